using System.Text;
using System.Text.RegularExpressions;
using Lodestar.Synthesis.Answers;

namespace Lodestar.Synthesis.Mcts;

/// <summary>The policy's prompts for each action and the parsers of its answers (pure functions, tested without HTTP).</summary>
/// <remarks>
/// Each prompt ends with one instruction line that names the action and its output format; the parsers take the
/// answer without its thinking. A parser returns null for output in the wrong format: the caller counts it by kind
/// and never turns it into a step, a query or a label.
/// </remarks>
public static partial class MctsPrompts
{
    /// <summary>The system message of every policy call.</summary>
    public const string System = "You are solving a math or science problem step by step. You may search a library of theorems and definitions when a step needs one.";

    /// <summary>The instruction of a one-step thought.</summary>
    public const string ThoughtInstruction = "Write only the next step of the solution, as one line starting with \"Step:\". If this step reaches the final answer, put it in \\boxed{}.";

    /// <summary>The instruction of a query.</summary>
    public const string QueryInstruction = "Write a search query for the theorem or definition the next step needs, as one line starting with \"Query:\".";

    /// <summary>The instruction of a self-reflection.</summary>
    public const string ReflectInstruction = "Is this document relevant to the next step of the solution? Answer in two lines: \"Relevant: yes\" or \"Relevant: no\", then \"Reason:\" and one sentence.";

    /// <summary>The instruction of a completion.</summary>
    public const string CompleteInstruction = "Complete the remaining steps of the solution and put the final answer in \\boxed{}.";

    /// <summary>The problem and the path so far: steps, queries and the documents judged relevant.</summary>
    public static string Context(string problem, IReadOnlyList<MctsNode> path, Func<string, string?> documentText, int documentChars)
    {
        var sb = new StringBuilder("Problem: ").Append(problem).Append("\n\nSteps so far:");
        int step = 0;
        foreach (MctsNode node in path)
        {
            if (node.Action == MctsAction.Thought)
            {
                sb.Append("\nStep ").Append(++step).Append(": ").Append(node.Text);
            }
            else if (node.Action == MctsAction.Query)
            {
                sb.Append("\nSearch: ").Append(node.Text);
                foreach (RetrievedDocument d in node.Documents.Where(d => d.Label == Relevance.Relevant))
                {
                    sb.Append("\nDocument ").Append(d.DocId).Append(": ").Append(Cut(documentText(d.DocId) ?? "", documentChars));
                }
            }
        }

        return step == 0 && !path.Any(n => n.Action == MctsAction.Query) ? sb.Append(" (none)").ToString() : sb.ToString();
    }

    /// <summary>The messages of an action's call.</summary>
    public static IReadOnlyList<(string Role, string Content)> Messages(string context, string instruction) =>
        [("system", System), ("user", $"{context}\n\n{instruction}")];

    /// <summary>The messages of a reflection on one document.</summary>
    public static IReadOnlyList<(string Role, string Content)> ReflectMessages(string context, string query, string docId, string text, int documentChars) =>
        Messages($"{context}\n\nSearch: {query}\nDocument {docId}: {Cut(text, documentChars)}", ReflectInstruction);

    /// <summary>The step of a thought answer ("Step:" prefix removed); null when empty.</summary>
    public static string? ParseThought(string answer)
    {
        string s = StepPrefix().Replace(answer.Trim(), "").Trim();
        return s.Length == 0 ? null : s;
    }

    /// <summary>The query of a query answer; null without a <c>Query:</c> line.</summary>
    public static string? ParseQuery(string answer)
    {
        Match m = QueryLine().Match(answer);
        string q = m.Success ? m.Groups[1].Value.Trim().Trim('"', '*', ' ') : "";
        return q.Length == 0 ? null : q;
    }

    /// <summary>The label and reason of a reflection answer; null without a <c>Relevant: yes|no</c> line.</summary>
    public static (bool Relevant, string Reason)? ParseReflection(string answer)
    {
        Match label = RelevantLine().Match(answer);
        if (!label.Success)
        {
            return null;
        }

        Match reason = ReasonLine().Match(answer);
        return (label.Groups[1].Value.Equals("yes", StringComparison.OrdinalIgnoreCase), reason.Success ? reason.Groups[1].Value.Trim() : "");
    }

    /// <summary>The boxed final answer of a text; null when it has no (closed) box.</summary>
    public static string? ParseBoxed(string answer) => AnswerExtractor.LastBoxed(answer)?.Trim();

    private static string Cut(string text, int chars) => text.Length <= chars ? text : text[..chars] + "…";

    [GeneratedRegex(@"^\**(?i:step)\s*\d*\s*\**\s*[:.]\s*\**\s*")]
    private static partial Regex StepPrefix();

    [GeneratedRegex(@"(?im)^\s*\**query\**\s*:\s*(.+)$")]
    private static partial Regex QueryLine();

    [GeneratedRegex(@"(?i)relevant\**\s*:\s*\**\s*(yes|no)\b")]
    private static partial Regex RelevantLine();

    [GeneratedRegex(@"(?im)reason\**\s*:\s*(.+)$")]
    private static partial Regex ReasonLine();
}
