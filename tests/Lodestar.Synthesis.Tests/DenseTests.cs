using System.Text.Json.Nodes;

namespace Lodestar.Synthesis.Tests;

/// <summary>
/// The dense and hybrid retrievers of <c>synth mcts</c> and the dense negatives of <c>synth negatives</c>, over a
/// vector index built by <c>lodestar embed</c> from the scripted server's <c>/v1/embeddings</c> (a text's vector is its
/// counts of a, e, i, o and its length, normalised), all over real HTTP on 127.0.0.1.
/// </summary>
/// <remarks>
/// Cosine of "pythagorean theorem right triangle" with the six theorems (worked out from those vectors): pyth and
/// pyth-copy 0.999092, lah 0.998976, bayes 0.998897, thales 0.998122, fermat 0.998076. BM25 ranks pyth, pyth-copy,
/// thales, then the documents that share only "theorem"; lah shares no word with the query.
/// </remarks>
public sealed class DenseTests : IAsyncLifetime
{
    private const string Query = "pythagorean theorem right triangle";
    private readonly string _dir = Paths.TempDir();
    private FakeOpenAiServer _server = null!;
    private string _index = null!;
    private string _problems = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync((ctx, n, body) => ScriptedPolicy.Answer(ctx, n, body));
        _index = Paths.TheoremIndex(_dir);
        var (code, _, err) = Paths.Cli("embed", Paths.Fixture("theorems.jsonl"), "-o", Path.Combine(_index, "dense"), "--embed-endpoint", _server.Url.ToString(), "--embed-model", "letters");
        Assert.True(code == 0, err);
        _problems = Path.Combine(_dir, "problems.jsonl");
        File.WriteAllText(_problems, ScriptedPolicy.ProblemsJsonl);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private JsonObject QueryNode(string output, string problem) =>
        File.ReadAllLines(Path.Combine(output, "trees.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).Single(t => t["id"]!.GetValue<string>() == problem)["nodes"]!
            .AsArray().Single(n => n!["id"]!.GetValue<string>() == "0.2")!.AsObject();

    private (string Output, string Err) Mcts(string retriever, int top, params string[] extra)
    {
        string output = Path.Combine(_dir, $"{retriever}-{top}");
        var (code, _, err) = Paths.Cli(["synth", "mcts", "--problems", _problems, "--index", _index, "--endpoint", _server.Url.ToString(), "--model", "policy",
            "--in-flight", "4", "--rollouts", "6", "--max-depth", "2", "--top", top.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", output,
            "--retriever", retriever, "--embed-endpoint", _server.Url.ToString(), "--embed-model", "letters", .. extra]);
        Assert.True(code == 0, err);
        return (output, err);
    }

    private static string[] DocIds(JsonObject node) => [.. node["documents"]!.AsArray().Select(d => d!["docid"]!.GetValue<string>())];

    private static double[] Scores(JsonObject node) => [.. node["documents"]!.AsArray().Select(d => d!["score"]!.GetValue<double>())];

    [Fact]
    public void Mcts_Dense_TreeHoldsTheDenseTopDocuments()
    {
        int before = _server.EmbeddingRequests;
        (string output, _) = Mcts("dense", 3);
        JsonObject query = QueryNode(output, "p1");
        // BM25's third document is thales; the letter vectors put lah third.
        Assert.Equal(["pyth", "pyth-copy", "lah"], DocIds(query));
        Assert.Equal([0.999092, 0.999092, 0.998976], Scores(query).Select(s => Math.Round(s, 6)));
        Assert.Equal(["relevant", "relevant", "irrelevant"], query["documents"]!.AsArray().Select(d => d!["label"]!.GetValue<string>()));
        Assert.True(_server.EmbeddingRequests > before);
        JsonObject pair = JsonNode.Parse(Assert.Single(File.ReadAllLines(Path.Combine(output, "pairs.jsonl"))))!.AsObject();
        Assert.Equal(["lah"], pair["negatives"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("dense", JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!["parameters"]!["retriever"]!.GetValue<string>());
        // p2's query ("bayes theorem probability") gets bayes, lah, then pyth and pyth-copy (equal vectors; the first row first).
        Assert.Equal(["bayes", "lah", "pyth"], DocIds(QueryNode(output, "p2")));
    }

    [Fact]
    public void Mcts_Hybrid_TreeHoldsTheRrfFusionOfBm25AndDense()
    {
        (string output, _) = Mcts("hybrid", 4);
        JsonObject query = QueryNode(output, "p1");
        // RRF (k = 60): pyth 2/61, pyth-copy 2/62, thales 1/63 (BM25 3rd) + 1/65 (dense 5th), bayes 1/64 (dense 4th)
        // + its BM25 rank; lah (dense 3rd, no BM25 match) has only 1/63 and falls out.
        Assert.Equal(["pyth", "pyth-copy", "thales", "bayes"], DocIds(query));
        double[] scores = Scores(query);
        Assert.Equal(2.0 / 61, scores[0], 1e-9);
        Assert.Equal(2.0 / 62, scores[1], 1e-9);
        Assert.Equal((1.0 / 63) + (1.0 / 65), scores[2], 1e-9);
        Assert.Equal("hybrid-rrf", JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!["parameters"]!["retriever"]!.GetValue<string>());
    }

    [Fact]
    public void Mcts_DenseWithoutAnEmbedder_OrAnotherModel_IsAUsageError()
    {
        var (code, _, err) = Paths.Cli("synth", "mcts", "--problems", _problems, "--index", _index, "--endpoint", _server.Url.ToString(), "--model", "policy",
            "--retriever", "dense", "-o", Path.Combine(_dir, "none"));
        Assert.Equal(2, code);
        Assert.Contains("--retriever dense needs --embed-endpoint URL --embed-model NAME or --embed-gguf MODEL", err);
        (code, _, err) = Paths.Cli("synth", "mcts", "--problems", _problems, "--index", _index, "--endpoint", _server.Url.ToString(), "--model", "policy",
            "--retriever", "hybrid", "--embed-endpoint", _server.Url.ToString(), "--embed-model", "other", "-o", Path.Combine(_dir, "other"));
        Assert.Equal(2, code);
        Assert.Contains("vectors of model 'letters', queries would be embedded with 'other'", err);
        Assert.False(File.Exists(Path.Combine(_dir, "other", "synth.db")));
    }

    private string PairFolder(string name)
    {
        string folder = Path.Combine(_dir, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "pairs.jsonl"),
            $"{{\"query_id\":\"p1#0.2\",\"problem_id\":\"p1\",\"query\":\"{Query}\",\"cot\":\"\",\"question\":\"q\",\"positives\":[\"pyth\"],\"negatives\":[]}}\n");
        return folder;
    }

    private static string[] Negatives(string folder) =>
        [.. JsonNode.Parse(File.ReadAllLines(Path.Combine(folder, "negatives.jsonl")).Single())!["negatives"]!.AsArray().Select(x => x!.GetValue<string>())];

    [Fact]
    public void Negatives_DrawFromBm25RanksAndTheDenseTop_PositivesAndDuplicatesExcluded()
    {
        // BM25 rank 3 alone gives thales; the dense top 4 adds lah and bayes (pyth is the positive, pyth-copy its duplicate).
        string bm25Only = PairFolder("bm25-only");
        var (code, _, err) = Paths.Cli("synth", "negatives", "--input", bm25Only, "--index", _index, "--bm25-from", "3", "--bm25-to", "3");
        Assert.True(code == 0, err);
        Assert.Equal(["thales"], Negatives(bm25Only));

        string withDense = PairFolder("with-dense");
        int before = _server.EmbeddingRequests;
        (code, _, err) = Paths.Cli("synth", "negatives", "--input", withDense, "--index", _index, "--bm25-from", "3", "--bm25-to", "3", "--dense-top", "4",
            "--embed-endpoint", _server.Url.ToString(), "--embed-model", "letters");
        Assert.True(code == 0, err);
        Assert.Contains("negatives: 1 queries (duplicates_excluded 1, mined 3)", err);
        Assert.Equal(["bayes", "lah", "thales"], Negatives(withDense).Order());
        Assert.True(_server.EmbeddingRequests > before);
        // The draw is a shuffle seeded by the query id: the same order on every run.
        Assert.Equal(Negatives(withDense), RunAgain(withDense));

        // Defaults: BM25 ranks 30-50 (none in six documents) and the dense top 10 (all six).
        string defaults = PairFolder("defaults");
        (code, _, err) = Paths.Cli("synth", "negatives", "--input", defaults, "--index", _index, "--embed-endpoint", _server.Url.ToString(), "--embed-model", "letters");
        Assert.True(code == 0, err);
        Assert.Equal(["bayes", "fermat", "lah", "thales"], Negatives(defaults).Order());
        Assert.Equal(["bayes", "fermat", "lah", "pyth", "thales"], File.ReadAllLines(Path.Combine(defaults, "documents.jsonl")).Select(l => JsonNode.Parse(l)!["docid"]!.GetValue<string>()).Order());

        string[] RunAgain(string folder)
        {
            var again = Paths.Cli("synth", "negatives", "--input", folder, "--index", _index, "--bm25-from", "3", "--bm25-to", "3", "--dense-top", "4",
                "--embed-endpoint", _server.Url.ToString(), "--embed-model", "letters");
            Assert.True(again.Code == 0, again.Err);
            return Negatives(folder);
        }
    }
}
