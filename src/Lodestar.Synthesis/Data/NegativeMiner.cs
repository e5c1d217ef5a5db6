using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;

namespace Lodestar.Synthesis.Data;

/// <summary><c>synth negatives</c>: hard negatives per query from BM25 ranks 30–50 (and a second retriever's top 10),
/// positives and their duplicates excluded, optionally relabelled by the Retro* scorer.</summary>
/// <remarks>
/// The candidates are BM25's ranks <see cref="From"/>..<see cref="To"/> then the second retriever's top ten, in that
/// order, without repeats; a candidate whose id is a positive, or whose text equals a positive's text (whitespace
/// and case ignored), is excluded. <see cref="Count"/> are drawn by a shuffle seeded by the query id, so a rerun
/// draws the same. With a relabeller, a candidate the Retro* prompt scores at or above the threshold is dropped as a
/// probable false negative; an unparseable score keeps it and is counted. The self-reflection negatives of the MCTS
/// stay first.
/// </remarks>
public sealed partial class NegativeMiner(IDocumentRetriever bm25, IDocumentRetriever? second = null)
{
    /// <summary>First BM25 rank drawn from (1-based).</summary>
    public int From { get; init; } = 30;

    /// <summary>Last BM25 rank drawn from.</summary>
    public int To { get; init; } = 50;

    /// <summary>Top ranks of the second retriever drawn from.</summary>
    public int SecondTop { get; init; } = 10;

    /// <summary>Negatives mined per query.</summary>
    public int Count { get; init; } = 10;

    /// <summary>Optional Retro* relabelling: the chat and the score at or above which a candidate is dropped.</summary>
    public (SynthChat Chat, int Threshold)? Relabel { get; init; }

    /// <summary>Counts: mined, excluded duplicates, dropped by the relabeller, unparseable relabels.</summary>
    public SortedDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the token budget stopped the relabelling; the queries done before it are written.</summary>
    public bool BudgetStopped { get; private set; }

    /// <summary>Reads the folder's queries, writes <c>negatives.jsonl</c> and adds the new documents to <c>documents.jsonl</c>.</summary>
    /// <remarks>When the relabeller's token budget runs out the queries done so far are written and
    /// <see cref="BudgetStopped"/> is set; a rerun takes every stored score from the store and continues.</remarks>
    public async Task<int> RunAsync(string folder, CancellationToken ct)
    {
        Dictionary<string, string> documents = SynthFolder.ReadDocuments(folder);
        List<JsonObject> queries = SynthFolder.ReadQueries(folder, withNegatives: false);
        int done = 0;
        foreach (JsonObject q in queries)
        {
            try
            {
                await MineAsync(q, documents, ct).ConfigureAwait(false);
            }
            catch (BudgetExhaustedException)
            {
                BudgetStopped = true;
                break;
            }

            done++;
        }

        queries.RemoveRange(done, queries.Count - done);
        Jsonl.Write(Path.Combine(folder, SynthFolder.Negatives), queries);
        SynthFolder.WriteDocuments(folder, documents);
        return queries.Count;
    }

    private async Task MineAsync(JsonObject q, Dictionary<string, string> documents, CancellationToken ct)
    {
        List<string> positives = SynthFolder.Ids(q, "positives");
        List<string> negatives = SynthFolder.Ids(q, "negatives");
        foreach (string id in positives.Concat(negatives).Where(id => !documents.ContainsKey(id)))
        {
            // Export needs every named document's text; a folder made by hand may lack some.
            documents[id] = bm25.TextOf(id) ?? "";
        }

        var positiveTexts = new HashSet<string>(positives.Select(p => Canonical(documents.GetValueOrDefault(p) ?? bm25.TextOf(p) ?? "")), StringComparer.Ordinal);
        string text = q["query"]!.GetValue<string>();
        var pool = new List<string>();
        foreach (Hit h in (await bm25.RetrieveAsync(text, To, ct).ConfigureAwait(false)).Skip(From - 1))
        {
            pool.Add(h.DocId);
        }

        if (second is not null)
        {
            pool.AddRange((await second.RetrieveAsync(text, SecondTop, ct).ConfigureAwait(false)).Select(h => h.DocId));
        }

        var candidates = new List<string>();
        foreach (string id in pool.Distinct(StringComparer.Ordinal))
        {
            string body = bm25.TextOf(id) ?? "";
            if (positives.Contains(id) || negatives.Contains(id))
            {
                continue;
            }

            if (positiveTexts.Contains(Canonical(body)))
            {
                Bump("duplicates_excluded");
                continue;
            }

            candidates.Add(id);
        }

        var random = new Random((int)(SynthChat.SeedOf(0, q["query_id"]!.GetValue<string>()) & int.MaxValue));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates));
        var mined = new List<string>();
        foreach (string id in candidates)
        {
            if (mined.Count == Count)
            {
                break;
            }

            if (Relabel is var (chat, threshold) && await ScoreAsync(chat, text, bm25.TextOf(id) ?? "", ct).ConfigureAwait(false) is int score && score >= threshold)
            {
                Bump("relabelled_positive_dropped");
                continue;
            }

            mined.Add(id);
            documents[id] = bm25.TextOf(id) ?? "";
        }

        Bump("mined", mined.Count);
        q["negatives"] = new JsonArray([.. negatives.Concat(mined).Select(id => (JsonNode)id)]);
    }

    private async Task<int?> ScoreAsync(SynthChat chat, string query, string doc, CancellationToken ct)
    {
        string prompt = RetroStarPrompt.Build(RelevanceDefinition.Default, query, doc);
        string answer = (await chat.AskAsync("synth:relabel", [("user", prompt)], chat.Sampling.Seed, 1, ct).ConfigureAwait(false))[0];
        ParsedScore parsed = ScoreParser.Parse(answer);
        if (parsed.Score is null)
        {
            chat.CountUnparseable("no_score");
        }

        return parsed.Score;
    }

    private void Bump(string what, int n = 1) => Counts[what] = Counts.GetValueOrDefault(what) + n;

    private static string Canonical(string text) => Spaces().Replace(text.Trim().ToLowerInvariant(), " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
