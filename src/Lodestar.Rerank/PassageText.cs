using System.Buffers;
using System.Runtime.CompilerServices;

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
        char[] rented = ArrayPool<char>.Shared.Rent(Math.Max(s.Length, 1));
        try
        {
            Span<char> output = rented;
            int n = 0, words = 0, i = 0;
            while (i < s.Length)
            {
                if (IsSpace(s[i]))
                {
                    i++;
                    continue;
                }

                if (words == maxWords)
                {
                    break;
                }

                if (words > 0)
                {
                    output[n++] = ' ';
                }

                int start = i;
                while (i < s.Length && !IsSpace(s[i]))
                {
                    i++;
                }

                s[start..i].CopyTo(output[n..]);
                n += i - start;
                words++;
            }

            // Most documents come out as they went in: keep the string rather than copy it.
            return n == text.Length && output[..n].SequenceEqual(text) ? text : new string(output[..n]);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    // char.IsWhiteSpace with the ASCII answer inline: only chars up to ' ' and from U+0085 can be white space.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpace(char c) => c <= ' ' ? c == ' ' || (uint)(c - '\t') <= '\r' - '\t' : c >= '\u0085' && char.IsWhiteSpace(c);
}
