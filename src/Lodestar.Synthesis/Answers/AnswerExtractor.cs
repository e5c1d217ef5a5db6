using System.Text.RegularExpressions;
using Lodestar.Llm.Calls;

namespace Lodestar.Synthesis.Answers;

/// <summary>Finds the final answer in a solution: the last <c>\boxed{}</c>, else "the answer is …", else the last number.</summary>
/// <remarks>Thinking blocks are removed first (<see cref="ThinkBlock"/>), so a number inside them never counts.</remarks>
public static partial class AnswerExtractor
{
    /// <summary>How an answer was found.</summary>
    public enum Method
    {
        /// <summary>No answer: the solution is counted as unparseable ("no box").</summary>
        None,

        /// <summary>The content of the last <c>\boxed{…}</c> or <c>\fbox{…}</c>.</summary>
        Boxed,

        /// <summary>The text after the last "the answer is".</summary>
        AnswerIs,

        /// <summary>The last number of the text.</summary>
        LastNumber,
    }

    /// <summary>The final answer of <paramref name="solution"/> and how it was found; null when there is none.</summary>
    public static (string? Answer, Method Method) Extract(string solution)
    {
        string text = ThinkBlock.Answer(solution);
        if (LastBoxed(text) is string boxed)
        {
            return (boxed.Trim(), Method.Boxed);
        }

        if (text.Contains("\\boxed", StringComparison.Ordinal))
        {
            // An unclosed box is a solution cut off mid-answer: no answer, not the last number before it.
            return (null, Method.None);
        }

        Match said = AnswerIs().Matches(text) is { Count: > 0 } all ? all[^1] : Match.Empty;
        if (said.Success)
        {
            string answer = said.Groups[1].Value.Trim().TrimEnd('.', ' ').Trim('$', ' ');
            if (answer.Length > 0)
            {
                return (answer, Method.AnswerIs);
            }
        }

        MatchCollection numbers = LastNumberPattern().Matches(text);
        return numbers.Count > 0 ? (numbers[^1].Value.Replace(",", "", StringComparison.Ordinal), Method.LastNumber) : (null, Method.None);
    }

    /// <summary>The content of the last <c>\boxed{…}</c> (braces balanced) or <c>\boxed X</c>; null when absent or unclosed.</summary>
    public static string? LastBoxed(string text)
    {
        int at = Math.Max(text.LastIndexOf("\\boxed", StringComparison.Ordinal), text.LastIndexOf("\\fbox", StringComparison.Ordinal));
        if (at < 0)
        {
            return null;
        }

        int i = at + (text.AsSpan(at).StartsWith("\\boxed") ? 6 : 5);
        if (i < text.Length && text[i] == ' ')
        {
            // \boxed 5 (no braces): up to the next space or dollar.
            int end = text.IndexOfAny([' ', '$', '\n'], i + 1);
            return text[(i + 1)..(end < 0 ? text.Length : end)];
        }

        if (i >= text.Length || text[i] != '{')
        {
            return null;
        }

        int depth = 0;
        for (int j = i; j < text.Length; j++)
        {
            depth += text[j] == '{' ? 1 : text[j] == '}' ? -1 : 0;
            if (depth == 0)
            {
                return text[(i + 1)..j];
            }
        }

        return null;
    }

    [GeneratedRegex(@"(?i)the (?:final )?answer is[:\s]*(.+?)(?:\.\s|\.$|\n|$)")]
    private static partial Regex AnswerIs();

    [GeneratedRegex(@"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d*\.?\d+(?:[eE][-+]?\d+)?")]
    private static partial Regex LastNumberPattern();
}
