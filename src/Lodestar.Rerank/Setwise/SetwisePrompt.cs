using System.Text.RegularExpressions;
using Lodestar.Llm.Calls;

namespace Lodestar.Rerank.Setwise;

/// <summary>The setwise prompt (pick the most relevant of a set) and the reading of its answer.</summary>
/// <remarks>
/// The wording is Setwise's (Zhuang et al. 2024; ielab/llm-rankers <c>setwise.py</c>, the generation prompt):
/// passages labelled A, B, C, … in quotes, then "Output only the passage label of the most relevant passage:".
/// Documents are cut to their first <c>maxWords</c> words.
/// </remarks>
public static partial class SetwisePrompt
{
    /// <summary>The user message for <paramref name="documents"/>.</summary>
    public static string Build(string query, IReadOnlyList<string> documents, int maxWords = 300)
    {
        var passages = documents.Select((d, i) => $"Passage {(char)('A' + i)}: \"{PassageText.FirstWords(d, maxWords)}\"");
        return $"Given a query \"{query}\", which of the following passages is the most relevant one to the query?\n\n"
            + string.Join("\n\n", passages) + "\n\nOutput only the passage label of the most relevant passage:";
    }

    /// <summary>The chosen index, or null when the answer (thinking set aside) names no passage of the set.</summary>
    public static int? Parse(string text, int count)
    {
        string answer = ThinkBlock.Answer(text);
        Match m = Labelled().Match(answer);
        if (!m.Success)
        {
            m = Bare().Match(answer);
        }

        int index = m.Success ? char.ToUpperInvariant(m.Groups[1].Value[0]) - 'A' : -1;
        return index >= 0 && index < count ? index : null;
    }

    [GeneratedRegex(@"Passage\s*\(?([A-Za-z])\b")]
    private static partial Regex Labelled();

    [GeneratedRegex(@"(?<![A-Za-z])([A-Z])(?![A-Za-z])")]
    private static partial Regex Bare();
}
