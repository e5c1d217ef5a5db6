using System.Text.RegularExpressions;

namespace Lodestar.Synthesis.Data;

/// <summary>The lexical query (<c>q_lexical</c>): the most frequent content words of a document, in order of first use.</summary>
public static partial class Keywords
{
    private static readonly HashSet<string> s_stop = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "if", "in", "into", "is", "it", "its", "of", "on", "or",
        "such", "that", "the", "their", "then", "there", "these", "this", "to", "was", "were", "which", "will", "with", "we", "can", "any", "all",
        "each", "let", "where", "when", "than", "not", "no", "but", "also", "may", "one", "two", "some", "our", "so", "do", "does", "given", "called",
    };

    /// <summary>Up to <paramref name="count"/> keywords of <paramref name="text"/>, joined by spaces.</summary>
    /// <remarks>Words are lower-cased letter runs of at least 3 characters, stop words removed; ranked by frequency,
    /// ties by first occurrence, and written in order of first occurrence.</remarks>
    public static string Of(string text, int count = 10)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var freq = new Dictionary<string, int>(StringComparer.Ordinal);
        int i = 0;
        foreach (Match m in Word().Matches(text.ToLowerInvariant()))
        {
            string w = m.Value;
            if (w.Length < 3 || s_stop.Contains(w))
            {
                continue;
            }

            first.TryAdd(w, i++);
            freq[w] = freq.GetValueOrDefault(w) + 1;
        }

        return string.Join(' ', freq.OrderByDescending(kv => kv.Value).ThenBy(kv => first[kv.Key]).Take(count).Select(kv => kv.Key).OrderBy(w => first[w]));
    }

    /// <summary>Whether <paramref name="query"/> names <paramref name="name"/> (case and spacing ignored).</summary>
    public static bool Names(string query, string name)
    {
        string n = Space().Replace(name.Trim().ToLowerInvariant(), " ");
        return n.Length > 0 && Space().Replace(query.ToLowerInvariant(), " ").Contains(n, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();

    [GeneratedRegex(@"[\s_\-]+")]
    private static partial Regex Space();
}
