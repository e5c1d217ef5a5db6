using System.Text;
using System.Text.Json.Nodes;
using Lodestar.Formats;

namespace Lodestar.Synthesis.Data;

/// <summary>Tevatron's training layouts.</summary>
public enum TevatronFormat
{
    /// <summary>One line per query: <c>query_id</c>, <c>query</c>, <c>positive_passages</c> and
    /// <c>negative_passages</c> as <c>{docid, title, text}</c> (Tevatron's original layout).</summary>
    Tevatron,

    /// <summary><c>query_id</c>, <c>query_text</c>, <c>positive_document_ids</c>, <c>negative_document_ids</c>, and a
    /// <c>corpus.jsonl</c> of <c>{docid, title, text}</c> (tevatron.retriever's newer layout).</summary>
    Tevatron2,
}

/// <summary><c>synth export</c>: the folder's queries as Tevatron training data plus a dataset card.</summary>
/// <remarks>
/// Checked against <c>tevatron/retriever/dataset.py</c>: a query needs at least one positive (one is picked by
/// index modulo their count) and at least one negative (fewer than group size − 1 are drawn with
/// <c>random.choices</c>, which fails on an empty list), so queries lacking either are left out and counted. All ids
/// are strings; <c>title</c> is always a string (empty when unknown), because the loader concatenates it.
/// </remarks>
public static class TevatronExport
{
    /// <summary>Writes <c>train.jsonl</c> (and <c>corpus.jsonl</c>) and <c>README.md</c> into <paramref name="output"/>.</summary>
    /// <returns>Queries written per kind, and those left out.</returns>
    public static (SortedDictionary<string, int> Kinds, int NoPositive, int NoNegative) Run(string folder, string output, TevatronFormat format, string toolVersion)
    {
        Dictionary<string, string> documents = SynthFolder.ReadDocuments(folder);
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int noPositive = 0, noNegative = 0;
        var lines = new List<JsonObject>();
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (JsonObject q in SynthFolder.ReadQueries(folder))
        {
            List<string> pos = SynthFolder.Ids(q, "positives");
            List<string> neg = SynthFolder.Ids(q, "negatives");
            if (pos.Count == 0)
            {
                noPositive++;
                continue;
            }

            if (neg.Count == 0)
            {
                noNegative++;
                continue;
            }

            string kind = q["kind"]?.GetValue<string>() ?? "q_mcts";
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            used.UnionWith(pos);
            used.UnionWith(neg);
            string id = q["query_id"]!.GetValue<string>();
            string text = q["query"]!.GetValue<string>();
            lines.Add(format == TevatronFormat.Tevatron
                ? new JsonObject
                {
                    ["query_id"] = id,
                    ["query"] = text,
                    ["positive_passages"] = Passages(pos, documents),
                    ["negative_passages"] = Passages(neg, documents),
                }
                : new JsonObject
                {
                    ["query_id"] = id,
                    ["query_text"] = text,
                    ["positive_document_ids"] = new JsonArray([.. pos.Select(p => (JsonNode)p)]),
                    ["negative_document_ids"] = new JsonArray([.. neg.Select(n => (JsonNode)n)]),
                });
        }

        Directory.CreateDirectory(output);
        Jsonl.Write(Path.Combine(output, "train.jsonl"), lines);
        if (format == TevatronFormat.Tevatron2)
        {
            Jsonl.Write(Path.Combine(output, "corpus.jsonl"), used.Select(id => new JsonObject { ["docid"] = id, ["title"] = "", ["text"] = documents.GetValueOrDefault(id, "") }));
        }

        WriteCard(folder, output, format, toolVersion, kinds, lines.Count, used.Count, noPositive, noNegative);
        return (kinds, noPositive, noNegative);
    }

    private static JsonArray Passages(List<string> ids, Dictionary<string, string> documents) =>
        new([.. ids.Select(id => (JsonNode)new JsonObject { ["docid"] = id, ["title"] = "", ["text"] = documents.GetValueOrDefault(id, "") })]);

    private static void WriteCard(string folder, string output, TevatronFormat format, string toolVersion, SortedDictionary<string, int> kinds,
        int queries, int documents, int noPositive, int noNegative)
    {
        string summaryPath = Path.Combine(folder, Mcts.MctsOutput.Summary);
        JsonNode? summary = File.Exists(summaryPath) ? JsonNode.Parse(File.ReadAllText(summaryPath)) : null;
        var sb = new StringBuilder();
        sb.Append("# Synthetic reasoning-retrieval training data\n\n");
        sb.Append($"Made by {toolVersion} (`lodestar synth`), RaDeR-style: retrieval-augmented MCTS over problems, self-reflection labels, mined hard negatives.\n\n");
        sb.Append($"- format: `{format.ToString().ToLowerInvariant()}` ({(format == TevatronFormat.Tevatron ? "train.jsonl with positive_passages/negative_passages" : "train.jsonl with document ids, corpus.jsonl")})\n");
        sb.Append($"- queries: {queries}; documents: {documents}; left out without a positive: {noPositive}, without a negative: {noNegative}\n");
        sb.Append($"- model: {summary?["model"]?.GetValue<string>() ?? "unknown"}\n");
        if (summary?["parameters"] is JsonObject p)
        {
            sb.Append("- parameters: ").Append(string.Join(", ", p.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString() ?? "null"}"))).Append('\n');
        }

        if (summary is not null)
        {
            sb.Append($"- problems: {summary["problems"]}, solved: {summary["solved"]}, calls: {summary["calls"]}, tokens in/out: {summary["tokens_in"]}/{summary["tokens_out"]}\n");
        }

        sb.Append("\n| query kind | queries |\n|---|---|\n");
        foreach ((string kind, int n) in kinds)
        {
            sb.Append($"| {kind} | {n} |\n");
        }

        AtomicFile.Write(Path.Combine(output, "README.md"), s => s.Write(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
