using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Synthesis.Tests;

/// <summary><c>synth doc2query</c> over the six theorems against a scripted server on 127.0.0.1: the records, the overlap
/// check, unparseable answers, resumption from the store, the budget, and negatives and export on its output.</summary>
/// <remarks>
/// The server answers by seed (each document's call is seeded from its id, its i-th sample from seed + i): pyth's first
/// sample repeats the document's words (overlap 1, regenerated), its second is a ladder problem; thales never writes a
/// <c>Query:</c> line (three samples, then skipped); the others write one query each. 9 requests in all.
/// </remarks>
public sealed class Doc2QueryTests : IAsyncLifetime
{
    private const string Ladder = "How far up the wall does a 5 m ladder reach when its foot stands 3 m out (a triangle problem)?";
    private readonly string _dir = Paths.TempDir();
    private readonly Dictionary<long, string> _answers = [];
    private FakeOpenAiServer _server = null!;
    private string _index = null!;

    public async Task InitializeAsync()
    {
        long Seed(string id) => SynthChat.SeedOf(42, id, "doc2query");
        _answers[Seed("pyth")] = "Query: pythagorean theorem hypotenuse squares";
        _answers[Seed("pyth") + 1] = "Query: " + Ladder;
        _answers[Seed("pyth-copy")] = "Query: Which side of a carpenter's set square is longest, and by how much?";
        _answers[Seed("fermat")] = "Query: Why does raising every residue to the 7th power modulo 7 give it back? Is there a theorem behind it?";
        _answers[Seed("bayes")] = "Query: A test flags 1% of healthy people; how sure can a positive result make us?";
        _answers[Seed("lah")] = "Query: In how many ways can six runners line up in three non-empty queues?";
        _server = await FakeOpenAiServer.StartAsync(AnswerAsync);
        _index = Paths.TheoremIndex(_dir);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private Task AnswerAsync(HttpContext ctx, int n, string body)
    {
        long seed = FakeOpenAiServer.Json(body).GetProperty("seed").GetInt64();
        return FakeOpenAiServer.Answer(ctx, _answers.GetValueOrDefault(seed, "I cannot help with that."));
    }

    private (int Code, string Err) Doc2Query(string output, params string[] extra)
    {
        var (code, _, err) = Paths.Cli(["synth", "doc2query", "--corpus", Paths.Fixture("theorems.jsonl"), "--endpoint", _server.Url.ToString(), "--model", "writer", "-o", output, .. extra]);
        return (code, err);
    }

    private static JsonObject[] Lines(string path) => [.. File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!.AsObject())];

    [Fact]
    public void Records_OverlapRegenerated_UnparseableCounted_AndARerunAsksNothing()
    {
        string output = Path.Combine(_dir, "d2q");
        var (code, err) = Doc2Query(output);
        Assert.True(code == 0, err);
        Assert.Contains("doc2query: 5 queries (regenerated_overlap 1, skipped 1, written 5); unparseable no_query 3; 9 calls, 1,080 new tokens", err);
        Assert.Equal(9, _server.Requests);
        string[] queries = File.ReadAllLines(Path.Combine(output, "queries.jsonl"));
        Assert.Equal(
            "{\"query_id\":\"pyth/q_doc2query\",\"pair_id\":\"pyth\",\"problem_id\":null,\"kind\":\"q_doc2query\",\"query\":\"" + Ladder + "\",\"positives\":[\"pyth\"],\"negatives\":[]}",
            queries[0]);
        Assert.Equal(["pyth", "fermat", "bayes", "lah", "pyth-copy"], queries.Select(q => JsonNode.Parse(q)!["pair_id"]!.GetValue<string>()));
        Assert.All(queries, q => Assert.Equal("q_doc2query", JsonNode.Parse(q)!["kind"]!.GetValue<string>()));
        // Every document read is in documents.jsonl, thales (skipped) too: negatives may name it.
        Assert.Equal(6, File.ReadAllLines(Path.Combine(output, "documents.jsonl")).Length);

        byte[] first = File.ReadAllBytes(Path.Combine(output, "queries.jsonl"));
        (code, err) = Doc2Query(output);
        Assert.True(code == 0, err);
        Assert.Equal(9, _server.Requests);
        Assert.Contains("9 calls, 0 new tokens", err);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(output, "queries.jsonl")));
    }

    [Fact]
    public void BudgetTokens_StopsCleanly_AndARerunFinishesTheSameRecords()
    {
        string clean = Path.Combine(_dir, "clean");
        Assert.Equal(0, Doc2Query(clean).Code);
        int afterClean = _server.Requests;

        // The store is per folder, so the budgeted run asks afresh: 120 tokens an answer; pyth's two answers pass 200.
        string budget = Path.Combine(_dir, "budget");
        var (code, err) = Doc2Query(budget, "--budget-tokens", "200");
        Assert.True(code == 0, err);
        Assert.Contains("doc2query: 1 queries", err);
        Assert.Contains("stopped at the token budget of 200", err);
        Assert.Equal(2, _server.Requests - afterClean);
        Assert.Single(File.ReadAllLines(Path.Combine(budget, "queries.jsonl")));

        (code, err) = Doc2Query(budget);
        Assert.True(code == 0, err);
        Assert.Equal(9, _server.Requests - afterClean);
        Assert.Equal(File.ReadAllBytes(Path.Combine(clean, "queries.jsonl")), File.ReadAllBytes(Path.Combine(budget, "queries.jsonl")));
    }

    [Fact]
    public void NegativesAndExport_WorkOnItsOutput()
    {
        string output = Path.Combine(_dir, "d2q");
        Assert.Equal(0, Doc2Query(output).Code);
        var (code, _, err) = Paths.Cli("synth", "negatives", "--input", output, "--index", _index, "--bm25-from", "1", "--bm25-to", "6");
        Assert.True(code == 0, err);
        Dictionary<string, string[]> negatives = Lines(Path.Combine(output, "negatives.jsonl")).ToDictionary(
            q => q["pair_id"]!.GetValue<string>(), q => q["negatives"]!.AsArray().Select(x => x!.GetValue<string>()).Order().ToArray());
        Assert.Equal(5, negatives.Count);
        Assert.DoesNotContain(negatives, kv => kv.Value.Contains(kv.Key));
        Assert.Equal(NegativesPinned, JsonSerializer.Serialize(negatives.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary()));

        string exp = Path.Combine(_dir, "exp");
        (code, _, err) = Paths.Cli("synth", "export", "--input", output, "--format", "tevatron", "-o", exp);
        Assert.True(code == 0, err);
        JsonObject[] train = Lines(Path.Combine(exp, "train.jsonl"));
        Assert.Equal(negatives.Count(kv => kv.Value.Length > 0), train.Length);
        Assert.Contains($"left out: 0 without a positive, {negatives.Count(kv => kv.Value.Length == 0)} without a negative", err);
        foreach (JsonObject t in train)
        {
            string id = t["query_id"]!.GetValue<string>().Split('/')[0];
            Assert.Equal([id], t["positive_passages"]!.AsArray().Select(p => p!["docid"]!.GetValue<string>()));
            Assert.Equal(negatives[id], t["negative_passages"]!.AsArray().Select(p => p!["docid"]!.GetValue<string>()).Order());
        }

        Assert.Contains("| q_doc2query |", File.ReadAllText(Path.Combine(exp, "README.md")));
    }

    /// <summary>BM25's ranks 1-6 for each query, its positive and the positive's copies left out: the ladder's "triangle"
    /// finds thales (and pyth-copy, pyth's copy); "theorem" finds every theorem but Fermat's own; the set square's
    /// "square" finds pyth (a copy of its positive) and "set" finds lah; bayes' and lah's queries share no word with
    /// another document.</summary>
    private const string NegativesPinned = "{\"bayes\":[],\"fermat\":[\"bayes\",\"pyth\",\"pyth-copy\",\"thales\"],\"lah\":[],\"pyth\":[\"thales\"],\"pyth-copy\":[\"lah\"]}";
}
