using System.Text.Json.Nodes;
using Lodestar.Synthesis.Mcts;

namespace Lodestar.Synthesis.Tests;

/// <summary>The search driven by a scripted policy over real HTTP on 127.0.0.1, through the CLI; trees worked out by hand.</summary>
public sealed class MctsTests : IAsyncLifetime
{
    private readonly string _dir = Paths.TempDir();
    private FakeOpenAiServer _server = null!;
    private string _out = null!;
    private string _index = null!;
    private string _log = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAiServer.StartAsync((ctx, n, body) => ScriptedPolicy.Answer(ctx, n, body));
        _index = Paths.TheoremIndex(_dir);
        string problems = Path.Combine(_dir, "problems.jsonl");
        File.WriteAllText(problems, ScriptedPolicy.ProblemsJsonl);
        _out = Path.Combine(_dir, "out");
        var (code, _, err) = Paths.Cli("synth", "mcts", "--problems", problems, "--index", _index, "--endpoint", _server.Url.ToString(), "--model", "policy",
            "--in-flight", "4", "--rollouts", "6", "--max-depth", "2", "--top", "3", "-o", _out);
        Assert.True(code == 0, err);
        _log = err;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private Dictionary<string, JsonObject> Nodes(string problem) =>
        File.ReadAllLines(Path.Combine(_out, "trees.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject())
            .Single(t => t["id"]!.GetValue<string>() == problem)["nodes"]!.AsArray().ToDictionary(n => n!["id"]!.GetValue<string>(), n => n!.AsObject());

    private static (int Visits, double Q) VQ(JsonObject n) => (n["visits"]!.GetValue<int>(), n["q"]!.GetValue<double>());

    [Fact]
    public void P1_TreeVisitsAndQ_FollowUct()
    {
        Dictionary<string, JsonObject> t = Nodes("p1");
        Assert.Equal(["0", "0.0", "0.0.0", "0.1", "0.2", "0.2.0", "0.3"], t.Keys);
        Assert.Equal(["root", "thought", "complete", "thought", "query", "complete", "complete"], t.Values.Select(n => n["action"]!.GetValue<string>()));
        // Rollouts 1-4 visit the root's four children in order; rollouts 5 and 6 pick the query (UCT 3.355 then 2.794).
        Assert.Equal((6, 0.5), VQ(t["0"]));
        Assert.Equal((1, 0.0), VQ(t["0.0"]));
        Assert.Equal((1, 0.0), VQ(t["0.0.0"]));
        Assert.Equal((1, 0.0), VQ(t["0.1"]));
        Assert.Equal((3, 1.0), VQ(t["0.2"]));
        Assert.Equal((3, 1.0), VQ(t["0.2.0"]));
        Assert.Equal((1, 0.0), VQ(t["0.3"]));
    }

    [Fact]
    public void P1_RewardOnCorrectAndIncorrectBoxes()
    {
        Dictionary<string, JsonObject> t = Nodes("p1");
        Assert.Equal("13", t["0.1"]["answer"]!.GetValue<string>());
        Assert.False(t["0.1"]["correct"]!.GetValue<bool>());
        Assert.Equal("7", t["0.3"]["answer"]!.GetValue<string>());
        Assert.False(t["0.3"]["correct"]!.GetValue<bool>());
        Assert.Equal("10", t["0.2.0"]["answer"]!.GetValue<string>());
        Assert.True(t["0.2.0"]["correct"]!.GetValue<bool>());
        Assert.Equal("numeric", t["0.2.0"]["rule"]!.GetValue<string>());
        Assert.Equal(["0", "0.2", "0.2.0"], t.Values.Where(n => n["rewarded_path"]!.GetValue<bool>()).Select(n => n["id"]!.GetValue<string>()));
        Assert.Equal("it relates the sides of a right triangle.", t["0.2"]["documents"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal(["relevant", "relevant", "irrelevant"], t["0.2"]["documents"]!.AsArray().Select(d => d!["label"]!.GetValue<string>()));
        Assert.Equal(["pyth", "pyth-copy", "thales"], t["0.2"]["documents"]!.AsArray().Select(d => d!["docid"]!.GetValue<string>()));
    }

    [Fact]
    public void P2_NegativeReflectionPrunesTheQuery()
    {
        Dictionary<string, JsonObject> t = Nodes("p2");
        Assert.True(t["0.2"]["pruned"]!.GetValue<bool>());
        Assert.Equal(["irrelevant", "irrelevant", "irrelevant"], t["0.2"]["documents"]!.AsArray().Select(d => d!["label"]!.GetValue<string>()));
        // Never selected: no visits, no children. Rollout 6 goes to 0.0 (UCT 2.537 > 2.465).
        Assert.Equal((0, 0.0), VQ(t["0.2"]));
        Assert.DoesNotContain("0.2.0", t.Keys);
        Assert.Equal((6, 0.5), VQ(t["0"]));
        Assert.Equal((2, 0.0), VQ(t["0.0"]));
        Assert.Equal((1, 0.0), VQ(t["0.1"]));
        Assert.Equal((3, 1.0), VQ(t["0.3"]));
    }

    [Fact]
    public void Pairs_OnlyFromCorrectPaths_AndSummaryCounts()
    {
        string[] pairs = File.ReadAllLines(Path.Combine(_out, "pairs.jsonl"));
        Assert.Equal(
            "{\"query_id\":\"p1#0.2\",\"problem_id\":\"p1\",\"theorem\":\"Pythagorean theorem\",\"query\":\"pythagorean theorem right triangle\",\"cot\":\"\"," +
            "\"question\":\"A right triangle has legs 6 and 8. How long is its hypotenuse?\",\"positives\":[\"pyth\",\"pyth-copy\"],\"negatives\":[\"thales\"]}",
            Assert.Single(pairs));
        JsonObject s = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "summary.json")))!.AsObject();
        Assert.Equal(2, s["solved"]!.GetValue<int>());
        Assert.Equal(16, s["calls"]!.GetValue<int>());
        Assert.Equal(16, _server.Requests); // one request per call; the two thoughts of an expansion come in one request (n = 2)
        Assert.Contains("mcts: 2/2 problems searched, 2 solved; 1 pairs, 2 positives, 1 negatives", _log);
    }

    [Fact]
    public void QueriesAndExport_ExactTevatronRecords()
    {
        var (code, _, err) = Paths.Cli("synth", "queries", "--input", _out, "--endpoint", _server.Url.ToString(), "--model", "policy");
        Assert.True(code == 0, err);
        Assert.Contains("q_llmq 1, q_llmq_named_theorem 1", err);
        string[] queries = File.ReadAllLines(Path.Combine(_out, "queries.jsonl"));
        Assert.Equal(["q_mcts", "q_llmq", "q_CoT", "q_question", "q_lexical"], queries.Select(q => JsonNode.Parse(q)!["kind"]!.GetValue<string>()));
        Assert.Equal("relation between the three sides of a right triangle", JsonNode.Parse(queries[1])!["query"]!.GetValue<string>());
        Assert.Equal("pythagorean theorem right triangle square hypotenuse equals sum squares other", JsonNode.Parse(queries[4])!["query"]!.GetValue<string>());

        string exp = Path.Combine(_dir, "exp");
        (code, _, err) = Paths.Cli("synth", "export", "--input", _out, "--format", "tevatron", "-o", exp);
        Assert.True(code == 0, err);
        string[] train = File.ReadAllLines(Path.Combine(exp, "train.jsonl"));
        Assert.Equal(5, train.Length);
        const string pyth = "Pythagorean theorem: in a right triangle the square of the hypotenuse equals the sum of the squares of the other two sides.";
        Assert.Equal(
            "{\"query_id\":\"p1#0.2/q_mcts\",\"query\":\"pythagorean theorem right triangle\",\"positive_passages\":[{\"docid\":\"pyth\",\"title\":\"\",\"text\":\"" + pyth +
            "\"},{\"docid\":\"pyth-copy\",\"title\":\"\",\"text\":\"" + pyth + "\"}],\"negative_passages\":[{\"docid\":\"thales\",\"title\":\"\",\"text\":" +
            "\"Thales theorem: an angle inscribed in a semicircle is a right angle, so the triangle is a right triangle.\"}]}",
            train[0]);
        string card = File.ReadAllText(Path.Combine(exp, "README.md"));
        Assert.Contains("| q_llmq | 1 |", card);
        Assert.Contains("- model: policy", card);

        string exp2 = Path.Combine(_dir, "exp2");
        (code, _, err) = Paths.Cli("synth", "export", "--input", _out, "--format", "tevatron2", "-o", exp2);
        Assert.True(code == 0, err);
        Assert.Equal("{\"query_id\":\"p1#0.2/q_mcts\",\"query_text\":\"pythagorean theorem right triangle\",\"positive_document_ids\":[\"pyth\",\"pyth-copy\"],\"negative_document_ids\":[\"thales\"]}",
            File.ReadAllLines(Path.Combine(exp2, "train.jsonl"))[0]);
        Assert.Equal(["pyth", "pyth-copy", "thales"], File.ReadAllLines(Path.Combine(exp2, "corpus.jsonl")).Select(l => JsonNode.Parse(l)!["docid"]!.GetValue<string>()));
    }

    [Fact]
    public void Queries_BudgetTokens_StopsCleanly_AndARerunFinishes()
    {
        // A folder of its own, so a fresh store: q_llmq's first sample (120 tokens) names the theorem, and the budget
        // of 100 stops the second before it is asked.
        string folder = Path.Combine(_dir, "queries-budget");
        Directory.CreateDirectory(folder);
        foreach (string f in new[] { "pairs.jsonl", "documents.jsonl" })
        {
            File.Copy(Path.Combine(_out, f), Path.Combine(folder, f));
        }

        int before = _server.Requests;
        var (code, _, err) = Paths.Cli("synth", "queries", "--input", folder, "--endpoint", _server.Url.ToString(), "--model", "policy", "--budget-tokens", "100");
        Assert.True(code == 0, err);
        Assert.Contains("queries: 0 written", err);
        Assert.Contains("stopped at the token budget of 100", err);
        Assert.Equal(1, _server.Requests - before);
        Assert.Empty(File.ReadAllLines(Path.Combine(folder, "queries.jsonl")));

        (code, _, err) = Paths.Cli("synth", "queries", "--input", folder, "--endpoint", _server.Url.ToString(), "--model", "policy");
        Assert.True(code == 0, err);
        Assert.Equal(2, _server.Requests - before);
        Assert.Equal(["q_mcts", "q_llmq", "q_CoT", "q_question", "q_lexical"],
            File.ReadAllLines(Path.Combine(folder, "queries.jsonl")).Select(q => JsonNode.Parse(q)!["kind"]!.GetValue<string>()));
    }

    [Fact]
    public void Negatives_MinedFromBm25Ranks_PositivesExcluded()
    {
        string folder = Path.Combine(_dir, "neg");
        Directory.CreateDirectory(folder);
        foreach (string f in new[] { "pairs.jsonl", "documents.jsonl" })
        {
            File.Copy(Path.Combine(_out, f), Path.Combine(folder, f));
        }

        var (code, _, err) = Paths.Cli("synth", "negatives", "--input", folder, "--index", _index, "--bm25-from", "1", "--bm25-to", "6", "--count", "10");
        Assert.True(code == 0, err);
        JsonObject q = JsonNode.Parse(File.ReadAllLines(Path.Combine(folder, "negatives.jsonl")).Single())!.AsObject();
        List<string> negatives = [.. q["negatives"]!.AsArray().Select(x => x!.GetValue<string>())];
        // The reflection's negative first, then BM25's other matches; positives (pyth, pyth-copy) never.
        Assert.Equal("thales", negatives[0]);
        Assert.Equal(["bayes", "fermat"], negatives.Skip(1).Order());
        Assert.Contains("mined 2", err);
    }

    [Fact]
    public void BudgetTokens_StopsCleanly_AndARerunFinishesWithoutAskingTwice()
    {
        string problems = Path.Combine(_dir, "problems.jsonl");
        string output = Path.Combine(_dir, "budget");
        string[] args = ["synth", "mcts", "--problems", problems, "--index", _index, "--endpoint", _server.Url.ToString(), "--model", "policy",
            "--in-flight", "1", "--parallel", "1", "--rollouts", "6", "--max-depth", "2", "--top", "3", "-o", output];
        int before = _server.Requests;
        // The root expansion starts its thought, query and completion calls at once (each under budget), through one
        // request in flight; the reflections after the query find 100 prompt + 20 completion tokens per answer spent,
        // and stop. How many of the three were sent before the first answer spent the budget depends on the
        // scheduler (one on a loaded machine); the rerun below asks only for what was not answered (16 in all).
        var (code, _, err) = Paths.Cli([.. args, "--budget-tokens", "100"]);
        Assert.True(code == 0, err);
        Assert.Contains("mcts: 0/2 problems searched", err);
        Assert.Contains("stopped at the token budget of 100", err);
        Assert.InRange(_server.Requests - before, 1, 3);
        Assert.Empty(File.ReadAllLines(Path.Combine(output, "trees.jsonl")));

        (code, _, err) = Paths.Cli(args);
        Assert.True(code == 0, err);
        Assert.Equal(16, _server.Requests - before);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_out, "trees.jsonl")), File.ReadAllBytes(Path.Combine(output, "trees.jsonl")));
    }
}
