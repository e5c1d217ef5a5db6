using System.Text.Json.Nodes;

namespace Lodestar.Synthesis.Data;

/// <summary>The files of a synthesis folder and how each stage finds its input.</summary>
/// <remarks>
/// <c>pairs.jsonl</c> (mcts) → <c>queries.jsonl</c> (queries, doc2query) → <c>negatives.jsonl</c> (negatives) →
/// export. A query line: <c>query_id</c>, <c>pair_id</c>, <c>problem_id</c>, <c>kind</c> (q_mcts, q_llmq, q_CoT,
/// q_question, q_lexical, q_doc2query), <c>query</c>, <c>positives</c>, <c>negatives</c> (document ids).
/// <c>documents.jsonl</c> holds every document named, <c>{docid, text}</c>.
/// </remarks>
public static class SynthFolder
{
    /// <summary>Query lines of each kind.</summary>
    public const string Queries = "queries.jsonl";

    /// <summary>Query lines with mined negatives.</summary>
    public const string Negatives = "negatives.jsonl";

    /// <summary>The newest query file of a folder: negatives, else queries, else the MCTS pairs as <c>q_mcts</c> queries.</summary>
    /// <param name="folder">The synthesis folder.</param>
    /// <param name="withNegatives">Whether <c>negatives.jsonl</c> counts; the negative miner reads past its own
    /// output, so that a rerun mines the same negatives.</param>
    public static List<JsonObject> ReadQueries(string folder, bool withNegatives = true)
    {
        foreach (string name in withNegatives ? new[] { Negatives, Queries } : [Queries])
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path))
            {
                return [.. Jsonl.Read(path).Select(x => x.Value)];
            }
        }

        return [.. Jsonl.Read(Path.Combine(folder, Mcts.MctsOutput.Pairs)).Select(x => QueryOf(x.Value, "q_mcts", x.Value["query"]!.GetValue<string>()))];
    }

    /// <summary>A query line of <paramref name="kind"/> for a pair.</summary>
    public static JsonObject QueryOf(JsonObject pair, string kind, string query) => new()
    {
        ["query_id"] = $"{pair["query_id"]!.GetValue<string>()}/{kind}",
        ["pair_id"] = pair["query_id"]!.GetValue<string>(),
        ["problem_id"] = pair["problem_id"]?.GetValue<string>(),
        ["kind"] = kind,
        ["query"] = query,
        ["positives"] = pair["positives"]!.DeepClone(),
        ["negatives"] = pair["negatives"]!.DeepClone(),
    };

    /// <summary>The documents file as id → text.</summary>
    public static Dictionary<string, string> ReadDocuments(string folder)
    {
        string path = Path.Combine(folder, Mcts.MctsOutput.Documents);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach ((long line, JsonObject o) in Jsonl.Read(path))
            {
                map[Jsonl.Text(o, "docid", path, line, true)!] = Jsonl.Text(o, "text", path, line, false) ?? "";
            }
        }

        return map;
    }

    /// <summary>Writes the documents file, sorted by id.</summary>
    public static void WriteDocuments(string folder, IReadOnlyDictionary<string, string> documents) =>
        Jsonl.Write(Path.Combine(folder, Mcts.MctsOutput.Documents),
            documents.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new JsonObject { ["docid"] = kv.Key, ["text"] = kv.Value }));

    /// <summary>The strings of a JSON array field.</summary>
    public static List<string> Ids(JsonObject o, string field) => [.. (o[field]?.AsArray() ?? []).Select(x => x!.GetValue<string>())];
}
