using System.Text.RegularExpressions;
using Lodestar.Llm.Calls;

namespace Lodestar.Rerank.Listwise;

/// <summary>
/// Reads a listwise ranking such as <c>[3] &gt; [1] &gt; [2]</c> from a model's answer, repairing what real models
/// write, and counting each repair.
/// </summary>
/// <remarks>
/// Steps: <c>&lt;think&gt;</c> blocks are set aside (<see cref="ThinkBlock"/>), never parsed; when the answer has an
/// <c>&lt;answer&gt;</c> tag (ReasonRank's format) its last one is read; ids are the <c>[n]</c> (also <c>【n】</c>)
/// in reading order, or, when there is none, the bare numbers (RankGPT's own fallback reads every digit run). Ids
/// outside 1..n and repeats are dropped; candidates never listed follow the listed ones in their input order (RankGPT's
/// rule). An answer with no id leaves the window in input order. Pure and allocation-light; no exception for any input.
/// </remarks>
public static partial class PermutationParser
{
    /// <summary>The order (0-based input positions, a permutation of 0..n−1) and the repairs.</summary>
    /// <param name="text">The model's whole answer, thinking included.</param>
    /// <param name="n">Candidates in the window.</param>
    public static (int[] Order, PermutationRepairs Repairs) Parse(string text, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        (string thinking, string answer) = ThinkBlock.Split(text ?? "");
        int think = thinking.Length > 0 ? 1 : 0;
        answer = AnswerTag(answer);

        MatchCollection ids = BracketedId().Matches(answer);
        int bare = 0;
        if (ids.Count == 0)
        {
            ids = BareNumber().Matches(answer);
            bare = ids.Count > 0 ? 1 : 0;
        }

        if (ids.Count == 0)
        {
            return ([.. Enumerable.Range(0, n)], new PermutationRepairs(think, 0, 0, 0, 0, 0, 1));
        }

        (int first, int count) = LongestChain(answer, ids);
        bool extra = !IsFiller(answer[..ids[first].Index]) || !IsFiller(answer[(ids[first + count - 1].Index + ids[first + count - 1].Length)..]);
        var order = new List<int>(n);
        var seen = new bool[n];
        int duplicates = 0, outOfRange = 0;
        for (int k = first; k < first + count; k++)
        {
            Group digits = ids[k].Groups[1];
            // Up to 9 digits always fit an int; longer runs are out of range by construction.
            int id = digits.Length > 9 ? 0 : int.Parse(digits.ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
            if (id < 1 || id > n)
            {
                outOfRange++;
                continue;
            }

            if (seen[id - 1])
            {
                duplicates++;
                continue;
            }

            seen[id - 1] = true;
            order.Add(id - 1);
        }

        if (order.Count == 0)
        {
            return ([.. Enumerable.Range(0, n)], new PermutationRepairs(think, extra ? 1 : 0, bare, duplicates, outOfRange, 0, 1));
        }

        int missing = n - order.Count;
        for (int i = 0; i < n; i++)
        {
            if (!seen[i])
            {
                order.Add(i);
            }
        }

        return ([.. order], new PermutationRepairs(think, extra ? 1 : 0, bare, duplicates, outOfRange, missing, 0));
    }

    /// <summary>The longest run of ids joined only by separators (the first on a tie): the ranking, as opposed to
    /// ids quoted in prose around it.</summary>
    private static (int First, int Count) LongestChain(string answer, MatchCollection ids)
    {
        int bestFirst = 0, bestCount = 1, first = 0;
        for (int k = 1; k <= ids.Count; k++)
        {
            bool joined = k < ids.Count && IsFiller(answer[(ids[k - 1].Index + ids[k - 1].Length)..ids[k].Index]);
            if (!joined)
            {
                if (k - first > bestCount)
                {
                    (bestFirst, bestCount) = (first, k - first);
                }

                first = k;
            }
        }

        return (bestFirst, bestCount);
    }

    /// <summary>Whether <paramref name="text"/> holds only separators and list markers (<c>2.</c> at a line start).</summary>
    private static bool IsFiller(string text) => Separators().Replace(ListMarker().Replace(text, ""), "").Length == 0;

    private static string AnswerTag(string answer)
    {
        int open = answer.LastIndexOf("<answer>", StringComparison.OrdinalIgnoreCase);
        if (open < 0)
        {
            return answer;
        }

        int start = open + "<answer>".Length;
        int close = answer.IndexOf("</answer>", start, StringComparison.OrdinalIgnoreCase);
        return close < 0 ? answer[start..] : answer[start..close];
    }

    [GeneratedRegex(@"[\[【]\s*(\d+)\s*[\]】]")]
    private static partial Regex BracketedId();

    [GeneratedRegex(@"(?<![\w.])(\d+)(?!\w|\.\d)")]
    private static partial Regex BareNumber();

    /// <summary>What may sit between ids without counting as extra text.</summary>
    [GeneratedRegex(@"[\s>,;=|\-→.\[\]]+|&gt;")]
    private static partial Regex Separators();

    [GeneratedRegex(@"(?m)^[ \t]*\d+[.)][ \t]")]
    private static partial Regex ListMarker();
}
