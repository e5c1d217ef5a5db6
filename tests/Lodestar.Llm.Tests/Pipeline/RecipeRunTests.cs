using Lodestar.Formats;
using Lodestar.Pipeline;
using Lodestar.Pipeline.Recipes;

namespace Lodestar.Llm.Tests.Pipeline;

/// <summary>
/// The shipped recipes end to end through <c>lodestar bright run --recipe</c> against a scripted OpenAI-compatible
/// server on 127.0.0.1 (chat and embeddings): on Cranfield (BEIR layout, data/cranfield) and on BRIGHT-shaped data
/// (real biology and leetcode records as the hub's parquet shards); reruns, kills and bad recipe files.
/// </summary>
public sealed class RecipeRunTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lodestar-recipe-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Cranfield => Path.Combine(Repo.Root, "data", "cranfield");

    private static string RecipeFile(string name) => Path.Combine(Repo.Root, "recipes", name + ".yaml");

    private static string[] Args(string recipe, string experiment, FakeOpenAiServer server, params string[] more) =>
    [
        "bright", "run", "--recipe", recipe, "-o", experiment, "--endpoint", server.Url.ToString(), "--model", "reasoner",
        "--embed-endpoint", server.Url.ToString(), "--in-flight", "4", .. more,
    ];

    /// <summary>BRIGHT's biology and leetcode as the hub lays them out (CONFIG/TASK-*.parquet), in a folder of this test.</summary>
    internal static string BrightCopy(string root)
    {
        string data = Path.Combine(root, "bright");
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Repo.Root, "tests", "fixtures", "parquet", "bright-hub"), "*.parquet", SearchOption.AllDirectories))
        {
            string target = Path.Combine(data, Path.GetFileName(Path.GetDirectoryName(file))!, Path.GetFileName(file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return data;
    }

    [Theory]
    [InlineData("bright-reason-bm25", 3, 0, "0.47085")]
    [InlineData("retro-star", 390, 24, "0.03305")]
    [InlineData("bge-reasoner", 1737, 28, "0.05239")]
    public async Task A_shipped_recipe_runs_on_Cranfield_and_a_rerun_asks_nothing_and_writes_the_same_run(string name, int requests, int embeddings, string ndcg)
    {
        await using FakeOpenAiServer server = await RecipeServer.StartAsync();
        string experiment = Path.Combine(_root, name);
        string[] args = Args(RecipeFile(name), experiment, server, "--beir", Cranfield, "--max-topics", "3");
        var first = Repo.Cli(args);
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(requests, server.Requests);
        Assert.Equal(embeddings, server.EmbeddingRequests);
        Assert.Equal($"cranfield\tndcg_cut_10\t{ndcg}\n", first.Out);
        byte[] run = File.ReadAllBytes(Path.Combine(experiment, "cranfield", "run.trec"));
        Assert.Equal(3, TrecRunFormat.Read(Path.Combine(experiment, "cranfield", "run.trec")).TopicIds.Count);

        var again = Repo.Cli(args);
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(requests, server.Requests);
        Assert.Equal(embeddings, server.EmbeddingRequests);
        Assert.DoesNotContain(": done in", again.Err);
        Assert.Equal(run, File.ReadAllBytes(Path.Combine(experiment, "cranfield", "run.trec")));
        Assert.Equal(first.Out, again.Out);

        ExperimentManifest manifest = ExperimentManifest.Load(experiment);
        Assert.Equal(RecipeReader.Read(RecipeFile(name)).Sha256, manifest.Recipe!.Sha256);
        Assert.Equal(File.ReadAllText(RecipeFile(name)), manifest.Recipe.Text);
        Assert.Equal(name, manifest.Recipe.Name);
    }

    [Theory]
    [InlineData("bright-reason-bm25", 4, 0)]
    [InlineData("retro-star", 364, 19)]
    [InlineData("bge-reasoner", 1312, 27)]
    public async Task A_shipped_recipe_runs_on_BRIGHT_shaped_data_and_a_rerun_asks_nothing(string name, int requests, int embeddings)
    {
        await using FakeOpenAiServer server = await RecipeServer.StartAsync();
        string data = BrightCopy(_root);
        string experiment = Path.Combine(_root, name);
        string[] args = Args(RecipeFile(name), experiment, server, "--tasks", "biology,leetcode", "--data", data, "--max-topics", "2");
        var first = Repo.Cli(args);
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(requests, server.Requests);
        Assert.Equal(embeddings, server.EmbeddingRequests);
        Assert.Matches(@"^biology\tndcg_cut_10\t\d\.\d{5}\nleetcode\tndcg_cut_10\t\d\.\d{5}\n$", first.Out);
        Assert.Contains("biology/pull: done in", first.Err);

        var again = Repo.Cli(args);
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(requests, server.Requests);
        Assert.Equal(embeddings, server.EmbeddingRequests);
        Assert.DoesNotContain(": done in", again.Err);
        Assert.Equal(first.Out, again.Out);
        // BRIGHT's protocol: no excluded document is in the final run.
        foreach (string task in new[] { "biology", "leetcode" })
        {
            var topics = TopicReader.Read(Path.Combine(data, task, "examples.jsonl.gz"));
            Model.Run run = TrecRunFormat.Read(Path.Combine(experiment, task, "run.trec"));
            Assert.Equal(2, run.TopicIds.Count);
            Assert.All(topics.Where(t => run.Contains(t.Id)), t => Assert.DoesNotContain(run[t.Id], h => t.ExcludedIds.Contains(h.DocId)));
        }
    }

    [Fact]
    public async Task Killed_while_reranking_a_recipe_resumes_and_ends_with_the_same_files_as_an_uninterrupted_run()
    {
        await using FakeOpenAiServer server = await RecipeServer.StartAsync(delayMs: 5);
        string recipe = RecipeFile("retro-star");
        string reference = Path.Combine(_root, "reference"), killed = Path.Combine(_root, "killed");
        var done = Repo.Cli(Args(recipe, reference, server, "--beir", Cranfield, "--max-topics", "4"));
        Assert.True(done.Code == 0, done.Err);
        int pairs = server.Requests;
        Assert.Equal(520, pairs); // 4 topics x (100 + 30)

        (int code, _) = await CliProcess.RunAsync(Args(recipe, killed, server, "--beir", Cranfield, "--max-topics", "4"), () => server.Requests > pairs + 200);
        Assert.Equal(-9, code);
        Assert.True(File.Exists(Path.Combine(killed, "cranfield", "runs", "embed.trec")), "the killed run had finished its first stage");
        Assert.False(File.Exists(Path.Combine(killed, "cranfield", "run.trec")));

        (code, string log) = await CliProcess.RunAsync(Args(recipe, killed, server, "--beir", Cranfield, "--max-topics", "4"));
        Assert.True(code == 0, log);
        Assert.Contains("cranfield/index: finished before, reused", log);
        Assert.Contains("cranfield/retrieve:embed: finished before, reused", log);
        Assert.Contains("cranfield/rerank:retro-star: done in", log);
        // Every pair was asked once over the two runs, plus at most the requests in flight at the kill.
        Assert.InRange(server.Requests - pairs, pairs, pairs + 4);
        foreach (string file in new[] { "run.trec", "eval.tsv", "runs/retro-star.trec" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "cranfield", file)), File.ReadAllBytes(Path.Combine(killed, "cranfield", file)));
        }
    }

    [Fact]
    public void A_bad_recipe_file_is_an_error_at_its_line_and_column_with_exit_1_and_no_experiment()
    {
        string recipe = Path.Combine(_root, "bad.yaml");
        File.WriteAllText(recipe, "name: bad\nretrievers:\n  - name: bm25\n    kind: bm25\n    colour: red\n");
        string experiment = Path.Combine(_root, "exp");
        var r = Repo.Cli("bright", "run", "--recipe", recipe, "--beir", Cranfield, "-o", experiment);
        Assert.Equal(1, r.Code);
        Assert.Contains($"{recipe}:5:5: expected one of the keys name, kind, queries, k, model, endpoint, profile, found 'colour'", r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(Directory.Exists(experiment));
    }

    [Fact]
    public void A_recipe_step_without_a_model_or_endpoint_is_a_usage_error_naming_its_line()
    {
        string experiment = Path.Combine(_root, "exp");
        var noModel = Repo.Cli("bright", "run", "--recipe", RecipeFile("bright-reason-bm25"), "--beir", Cranfield, "-o", experiment, "--endpoint", "http://127.0.0.1:9");
        Assert.Equal(2, noModel.Code);
        Assert.Contains($"{RecipeFile("bright-reason-bm25")}:10:5: the rewrite 'reason' names no model: give model: in the recipe or --model NAME", noModel.Err);
        var noEmbedder = Repo.Cli("bright", "run", "--recipe", RecipeFile("retro-star"), "--beir", Cranfield, "-o", experiment, "--endpoint", "http://127.0.0.1:9");
        Assert.Equal(2, noEmbedder.Code);
        Assert.Contains("the dense retriever 'embed' (model BAAI/bge-reasoner-embed-qwen3-8b-0923) has no endpoint: give --embed-endpoint URL", noEmbedder.Err);
        var mixed = Repo.Cli("bright", "run", "--recipe", RecipeFile("retro-star"), "--beir", Cranfield, "-o", experiment, "--rerank", "retro-star");
        Assert.Equal(2, mixed.Code);
        Assert.Contains("--rerank does not go with --recipe", mixed.Err);
        Assert.False(Directory.Exists(experiment));
    }
}
