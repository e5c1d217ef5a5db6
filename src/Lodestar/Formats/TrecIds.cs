using System.Text;

namespace Lodestar.Formats;

/// <summary>
/// Escapes ids for the whitespace-separated TREC formats: space, tab, LF and CR are written <c>%20</c>,
/// <c>%09</c>, <c>%0A</c>, <c>%0D</c>, and readers decode exactly those four. Any other <c>%</c> is literal, since
/// real ids contain URL-encoded names (BRIGHT's <c>Earth%27s_inner_core1.txt</c>). An id that literally contains one
/// of the four escapes cannot round-trip, so writing it is an error.
/// </summary>
/// <remarks>This is how BRIGHT's stackoverflow ids with spaces reach trec_eval.</remarks>
public static class TrecIds
{
    private static readonly string[] s_escapes = ["%20", "%09", "%0A", "%0D"];

    /// <summary>The id as written in a TREC file.</summary>
    /// <exception cref="ArgumentException">The id literally contains <c>%20</c>, <c>%09</c>, <c>%0A</c> or <c>%0D</c>.</exception>
    public static string Escape(string id)
    {
        if (id.Contains('%'))
        {
            foreach (string e in s_escapes)
            {
                if (id.Contains(e, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException(
                        $"id '{id}' contains '{e}', which the TREC formats use to escape white space; write BRIGHT JSON (.json) instead");
                }
            }
        }

        if (id.AsSpan().IndexOfAny(" \t\r\n") < 0)
        {
            return id;
        }

        var sb = new StringBuilder(id.Length + 8);
        foreach (char c in id)
        {
            _ = c switch
            {
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
            char decoded = field[i] == '%' && i + 2 < field.Length ? Decode(field.Slice(i + 1, Math.Min(2, field.Length - i - 1))) : '\0';
            if (decoded != '\0')
            {
                sb.Append(decoded);
                i += 2;
            }
            else
            {
                sb.Append(field[i]);
            }
        }

        return sb.ToString();
    }

    private static char Decode(ReadOnlySpan<char> hex) => hex.Length < 2 ? '\0' : (hex[0], char.ToUpperInvariant(hex[1])) switch
    {
        ('2', '0') => ' ',
        ('0', '9') => '\t',
        ('0', 'A') => '\n',
        ('0', 'D') => '\r',
        _ => '\0',
    };
}
