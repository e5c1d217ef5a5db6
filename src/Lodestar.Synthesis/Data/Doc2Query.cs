using System.Text.Json.Nodes;
using Lodestar.Formats;
using Lodestar.Model;
using Lodestar.Synthesis.Mcts;

namespace Lodestar.Synthesis.Data;

/// <summary><c>synth doc2query</c>: a reasoning-intensive query per document of any corpus, which needs the document's
/// idea without sharing its words; the document is its positive.</summary>
/// <remarks>A query whose content words overlap the document's by more than <see cref="MaxOverlap"/> is regenerated
/// (the next sample of the same stored call), up to <see cref="MaxTries"/>; then the document is skipped and counted.</remarks>
public sealed class Doc2Query(SynthChat chat)
{
    /// <summary>Largest share of the query's keywords that may appear in the document.</summary>
    public double MaxOverlap { get; init; } = 0.5;

    /// <summary>Samples tried per document.</summary>
    public int MaxTries { get; init; } = 3;

    /// <summary>Counts: written, regenerated for overlap, skipped.</summary>
    public SortedDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the token budget stopped the run; the documents done before it are written.</summary>
    public bool BudgetStopped { get; private set; }

    /// <summary>The instruction.</summary>
    public const string Instruction = "Write a question that someone would ask when they need the idea of this document to answer it, without using the document's words: a problem to solve, not a paraphrase. One line starting with \"Query:\".";

    /// <summary>Writes <c>queries.jsonl</c> and <c>documents.jsonl</c> of <paramref name="corpus"/> into <paramref name="folder"/>.</summary>
    /// <remarks>When the token budget runs out the documents done so far are written and <see cref="BudgetStopped"/>
    /// is set; a rerun takes every stored answer from the store and continues.</remarks>
    public async Task<int> RunAsync(string corpus, string folder, int limit, CancellationToken ct)
    {
        var lines = new List<JsonObject>();
        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((Document doc, _) in CorpusReader.Read(corpus))
        {
            if (limit > 0 && documents.Count >= limit)
            {
                break;
            }

            string? query;
            try
            {
                query = await QueryAsync(doc, ct).ConfigureAwait(false);
            }
            catch (BudgetExhaustedException)
            {
                BudgetStopped = true;
                break;
            }

            documents[doc.Id] = doc.Text;
            if (query is null)
            {
                Bump("skipped");
                continue;
            }

            Bump("written");
            lines.Add(new JsonObject
            {
                ["query_id"] = $"{doc.Id}/q_doc2query",
                ["pair_id"] = doc.Id,
                ["problem_id"] = null,
                ["kind"] = "q_doc2query",
                ["query"] = query,
                ["positives"] = new JsonArray(doc.Id),
                ["negatives"] = new JsonArray(),
            });
        }

        Directory.CreateDirectory(folder);
        Jsonl.Write(Path.Combine(folder, SynthFolder.Queries), lines);
        SynthFolder.WriteDocuments(folder, documents);
        return lines.Count;
    }

    /// <summary>Share of the query's keywords found among the document's words.</summary>
    public static double Overlap(string query, string document)
    {
        string[] q = Keywords.Of(query, 1000).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var d = new HashSet<string>(Keywords.Of(document, 100_000).Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        return q.Length == 0 ? 1 : q.Count(d.Contains) / (double)q.Length;
    }

    private async Task<string?> QueryAsync(Document doc, CancellationToken ct)
    {
        string text = doc.Text.Length > 3000 ? doc.Text[..3000] : doc.Text;
        long seed = SynthChat.SeedOf(chat.Sampling.Seed, doc.Id, "doc2query");
        for (int attempt = 0; attempt < MaxTries; attempt++)
        {
            string answer = (await chat.AskAsync("synth:doc2query", [("system", MctsPrompts.System), ("user", $"Document: {text}\n\n{Instruction}")], seed, attempt + 1, ct)
                .ConfigureAwait(false))[attempt];
            string? query = MctsPrompts.ParseQuery(answer);
            if (query is null)
            {
                chat.CountUnparseable("no_query");
                continue;
            }

            if (Overlap(query, doc.Text) > MaxOverlap)
            {
                Bump("regenerated_overlap");
                continue;
            }

            return query;
        }

        return null;
    }

    private void Bump(string what) => Counts[what] = Counts.GetValueOrDefault(what) + 1;
}
