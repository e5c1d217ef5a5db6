using System.Globalization;
using System.Text;

namespace Lodestar.Formats;

/// <summary>
/// Escapes ids for the whitespace-separated TREC formats: <c>%</c> becomes <c>%25</c>, and space, tab, CR and LF
/// become <c>%20</c>, <c>%09</c>, <c>%0D</c>, <c>%0A</c> (as in a URL). Readers decode every <c>%XX</c>, so ids
/// round-trip; this is how BRIGHT's stackoverflow ids with spaces reach trec_eval.
/// </summary>
public static class TrecIds
{
    /// <summary>The id as written in a TREC file.</summary>
    public static string Escape(string id)
    {
        if (id.AsSpan().IndexOfAny("% \t\r\n") < 0)
        {
            return id;
        }

        var sb = new StringBuilder(id.Length + 8);
        foreach (char c in id)
        {
            _ = c switch
            {
                '%' => sb.Append("%25"),
                ' ' => sb.Append("%20"),
                '\t' => sb.Append("%09"),
                '\r' => sb.Append("%0D"),
                '\n' => sb.Append("%0A"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    /// <summary>The id a TREC file field stands for.</summary>
    public static string Unescape(ReadOnlySpan<char> field)
    {
        if (field.IndexOf('%') < 0)
        {
            return field.ToString();
        }

        var sb = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '%' && i + 2 < field.Length
                && byte.TryParse(field.Slice(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                sb.Append((char)b);
                i += 2;
            }
            else
            {
                sb.Append(field[i]);
            }
        }

        return sb.ToString();
    }
}
