using System.Buffers;
using System.Text;

namespace Lodestar.Rerank;

/// <summary>How the LLM rerankers cut a document before it goes into a prompt.</summary>
public static class PassageText
{
    /// <summary>
    /// The first <paramref name="maxWords"/> whitespace-separated words of <paramref name="text"/>, joined by single
    /// spaces: exactly <c>string.Join(' ', text.Split(null, RemoveEmptyEntries)[..maxWords])</c> (Python's
    /// <c>' '.join(text.split()[:n])</c> for the whitespace both know), in one pass and one allocation.
    /// </summary>
    public static string FirstWords(string text, int maxWords)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxWords);
        ReadOnlySpan<char> s = text;
        // The common case: one space between words, no space at either end, and no more than maxWords words.
        if (maxWords > 0 && (s.Length == 0 || (!IsSpace(s[0]) && !IsSpace(s[^1]))) && s.IndexOfAny(s_otherSpace) < 0
            && !s.Contains("  ", StringComparison.Ordinal) && s.Count(' ') < maxWords)
        {
            return text;
        }

        var sb = new StringBuilder(Math.Min(s.Length, maxWords * 8));
        for (int words = 0; words < maxWords; words++)
        {
            int start = s.IndexOfAnyExcept(s_space);
            if (start < 0)
            {
                break;
            }

            s = s[start..];
            int end = s.IndexOfAny(s_space);
            if (end < 0)
            {
                end = s.Length;
            }

            if (words > 0)
            {
                sb.Append(' ');
            }

            sb.Append(s[..end]);
            s = s[end..];
        }

        return sb.ToString();
    }

    private static bool IsSpace(char c) => char.IsWhiteSpace(c);

    // Every char for which char.IsWhiteSpace is true (Unicode White_Space), and the same less the plain space.
    private const string Spaces = "\t\n\v\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000";
    private static readonly SearchValues<char> s_space = SearchValues.Create(Spaces);
    private static readonly SearchValues<char> s_otherSpace = SearchValues.Create(Spaces.Replace(" ", "", StringComparison.Ordinal));
}
