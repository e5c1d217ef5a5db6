using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lodestar.Llm.Tests.Rerank;

/// <summary>
/// The brain of a scripted listwise server: every document's text carries its true relevance as <c>rel=NN</c>, and
/// the answer lists the window's passages by it, so a correct reranker must recover the true order.
/// </summary>
internal static partial class ScriptedRanker
{
    /// <summary>The window's passages (<c>[i] text</c>) from a chat request's messages, in window order.</summary>
    public static List<int> Relevances(string body)
    {
        var result = new List<int>();
        foreach (JsonElement m in FakeOpenAiServer.Json(body).GetProperty("messages").EnumerateArray())
        {
            string content = m.GetProperty("content").GetString()!;
            foreach (Match p in Passage().Matches(content))
            {
                result.Add(int.Parse(p.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return result;
    }

    /// <summary>The ideal ranking of the request's window as <c>[a] &gt; [b] …</c>.</summary>
    public static string Ideal(string body)
    {
        List<int> rel = Relevances(body);
        return string.Join(" > ", Enumerable.Range(0, rel.Count).OrderByDescending(i => rel[i]).ThenBy(i => i).Select(i => $"[{i + 1}]"));
    }

    [GeneratedRegex(@"(?m)^\[(\d+)\] doc rel=(\d+)")]
    private static partial Regex Passage();
}
