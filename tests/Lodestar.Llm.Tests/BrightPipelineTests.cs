using System.Text.Json;
using Lodestar.Datasets;
using Lodestar.Hub;
using Lodestar.Pipeline;

namespace Lodestar.Llm.Tests;

/// <summary>
/// <c>bright run</c> on a BRIGHT-shaped dataset (real biology and leetcode example records, parquet written by
/// parquet-wasm) served by a local server that speaks the hub's protocol.
/// </summary>
[Collection("environment")] // sets HF_HOME and HF_ENDPOINT
public sealed class BrightPipelineTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("lodestar-bright-").FullName;
    private FakeHub _hub = null!;

    private string Data => Path.Combine(_root, "data");

    public async Task InitializeAsync()
    {
        _hub = await FakeHub.StartAsync();
        _hub.AddDataset(BrightDataset.Repository, Path.Combine(Repo.Root, "tests", "fixtures", "parquet", "bright-hub"));
        _hub.UseAsHub(Path.Combine(_root, "hf"));
    }

    public async Task DisposeAsync()
    {
        FakeHub.ForgetHub();
        await _hub.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private BrightRunOptions Options(params string[] force) => new()
    {
        Tasks = ["biology", "leetcode"],
        Data = Data,
        Force = force.ToHashSet(),
        Recorded = new() { ["data"] = Data, ["long"] = "false" },
    };

    [Fact]
    public async Task A_run_completes_and_its_evaluation_equals_lodestar_eval_on_the_same_files()
    {
        string experiment = Path.Combine(_root, "exp");
        using var downloader = new HubDownloader();
        List<StepOutcome> outcomes = await new BrightPipeline(experiment, Options(), downloader).RunAsync();
        Assert.Equal(["pull", "index", "search", "eval", "pull", "index", "search", "eval"], outcomes.Select(o => o.Step));
        Assert.All(outcomes, o => Assert.False(o.Reused));
        Assert.Equal(572, outcomes[0].Figures["documents"]);       // two shards of biology documents
        Assert.Equal(103, outcomes[0].Figures["topics"]);

        foreach (string task in new[] { "biology", "leetcode" })
        {
            string examples = Path.Combine(Data, task, "examples.jsonl.gz");
            string run = Path.Combine(experiment, task, "run.trec");
            var eval = Repo.Cli("eval", examples, run, "-m", "ndcg_cut.10", "-m", "recall.100", "--format", "json");
            Assert.True(eval.Code == 0, eval.Err);
            using JsonDocument json = JsonDocument.Parse(eval.Out);
            Dictionary<string, double> mine = File.ReadAllLines(Path.Combine(experiment, task, "eval.tsv")).Select(l => l.Split('\t'))
                .ToDictionary(f => f[0], f => double.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture));
            double cli = FindMeasure(json.RootElement, "ndcg_cut_10");
            Assert.Equal(Math.Round(cli, 5), mine["ndcg_cut_10"], 6);
            Assert.Equal(Math.Round(FindMeasure(json.RootElement, "recall_100"), 5), mine["recall_100"], 6);
            // biology's gold documents hold the gold answers, so BM25 finds them; leetcode's are other problems.
            Assert.True(mine["ndcg_cut_10"] > (task == "biology" ? 0.2 : 0), $"{task}: nDCG@10 {mine["ndcg_cut_10"]}");
        }

        // leetcode: each query's first excluded id is a document holding the query itself; it never appears in the run.
        var leetcode = Formats.TopicReader.Read(Path.Combine(Data, "leetcode", "examples.jsonl.gz"));
        Model.Run first = Formats.TrecRunFormat.Read(Path.Combine(experiment, "leetcode", "run.trec"));
        Assert.All(leetcode, t => Assert.DoesNotContain(first[t.Id], h => t.ExcludedIds.Contains(h.DocId)));

        ExperimentManifest manifest = ExperimentManifest.Load(experiment);
        Assert.Equal(FakeHub.Commit, manifest.Dataset["commit"]);
        Assert.Equal(4, manifest.Tasks["biology"].Count);
        Assert.All(manifest.Tasks["biology"].Values, s => Assert.NotEmpty(s.Outputs));

        var report = Repo.Cli("bright", "report", experiment);
        Assert.True(report.Code == 0, report.Err);
        Assert.Contains("BM25 (BRIGHT paper)", report.Out);
        Assert.Matches(@"biology\s+\d+\.\d\d\s+18\.90", report.Out);
        Assert.True(File.Exists(Path.Combine(experiment, "report.html")));
    }

    /// <summary>The "all" value of a measure in <c>lodestar eval --format json</c>: <c>{"runs":[{"all":{…}}]}</c>.</summary>
    private static double FindMeasure(JsonElement root, string id) => root.GetProperty("runs")[0].GetProperty("all").GetProperty(id).GetDouble();

    [Fact]
    public async Task A_stopped_run_resumes_without_recomputing_finished_steps()
    {
        string experiment = Path.Combine(_root, "stopped");
        using var downloader = new HubDownloader();
        using var stop = new CancellationTokenSource();
        var progress = new SyncProgress(o =>
        {
            if (o.Task == "leetcode" && o.Step == "index")
            {
                stop.Cancel(); // "kill" once leetcode's index is built
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new BrightPipeline(experiment, Options(), downloader).RunAsync(progress, null, stop.Token));
        ExperimentManifest before = ExperimentManifest.Load(experiment);
        Assert.Equal(4, before.Tasks["biology"].Count);
        Assert.Equal(["index", "pull"], before.Tasks["leetcode"].Keys.Order());

        List<StepOutcome> resumed = await new BrightPipeline(experiment, Options(), downloader).RunAsync();
        Assert.Equal(["pull", "index", "search", "eval", "pull", "index"], resumed.Where(o => o.Reused).Select(o => o.Step));
        Assert.Equal(["search", "eval"], resumed.Where(o => !o.Reused).Select(o => o.Step));
        ExperimentManifest after = ExperimentManifest.Load(experiment);
        Assert.Equal(before.Tasks["biology"]["index"].Finished, after.Tasks["biology"]["index"].Finished);

        // --force index rebuilds it; the index is the same, so search and eval stay finished.
        List<StepOutcome> forced = await new BrightPipeline(experiment, Options("index"), downloader).RunAsync();
        Assert.Equal(["index", "index"], forced.Where(o => !o.Reused).Select(o => o.Step));

        // A changed input redoes what depends on it: a different k changes the search key.
        List<StepOutcome> changed = await new BrightPipeline(experiment, Options() with { K = 100 }, downloader).RunAsync();
        Assert.Equal(["search", "eval", "search", "eval"], changed.Where(o => !o.Reused).Select(o => o.Step));
    }

    [TinyModelFact]
    public async Task Hybrid_retrieval_runs_the_dense_step_on_the_embedded_engine_and_fuses()
    {
        string experiment = Path.Combine(_root, "hybrid");
        using var downloader = new HubDownloader();
        using Engine.LlamaModel model = Engine.LlamaModel.Load(Repo.TinyModel);
        BrightRunOptions options = Options() with
        {
            Tasks = ["biology"],
            Retriever = "hybrid",
            Embedder = () => new Engine.LlamaEmbedder(model, Embedding.Pooling.Mean, batchTokens: 1024),
            Fusion = Fusion.FusionMethod.MinMax,
            Weights = (0.8, 0.2),
            K = 100,
        };
        List<StepOutcome> outcomes = await new BrightPipeline(experiment, options, downloader).RunAsync();
        Assert.Equal(["pull", "index", "dense", "search", "eval"], outcomes.Select(o => o.Step));
        Assert.Equal(572, outcomes.Single(o => o.Step == "dense").Figures["documents"]);
        Assert.True(File.Exists(Path.Combine(experiment, "biology", "dense", "lodestar-vectors.json")));
        Model.Run run = Formats.TrecRunFormat.Read(Path.Combine(experiment, "biology", "run.trec"));
        Assert.Equal("hybrid-minmax", run.Name);
        Assert.Equal(103, run.TopicIds.Count);

        // Rerunning reuses every step, the dense one included.
        List<StepOutcome> again = await new BrightPipeline(experiment, options, downloader).RunAsync();
        Assert.All(again, o => Assert.True(o.Reused, $"{o.Step} was redone"));
    }

    [Fact]
    public async Task Offline_pulls_use_the_cache_and_a_missing_task_is_a_clear_error()
    {
        using var downloader = new HubDownloader();
        await BrightDataset.PullAsync(downloader, ["biology"], ["examples"], "main", offline: false, Data);
        await _hub.DisposeAsync();
        _hub = await FakeHub.StartAsync(); // serves nothing now
        string other = Path.Combine(_root, "other");
        List<BrightPart> parts = await BrightDataset.PullAsync(downloader, ["biology"], ["examples"], "main", offline: true, other);
        Assert.Equal(103, parts[0].Rows);
        HubException e = await Assert.ThrowsAsync<HubException>(() => BrightDataset.PullAsync(downloader, ["pony"], ["examples"], "main", offline: true, other));
        Assert.Contains($"no parquet files for task 'pony' in config 'examples' in the cache {Path.Combine(_root, "hf", "hub", "datasets--xlangai--BRIGHT", "snapshots")} (offline)", e.Message);
        Assert.Contains("HF_ENDPOINT", e.Message);
    }

    [Fact]
    public async Task BRIGHT_on_disk_as_parquet_shards_or_as_JSONL_needs_no_hub()
    {
        await _hub.DisposeAsync();
        _hub = await FakeHub.StartAsync(); // serves nothing: any hub request would fail
        string shards = Path.Combine(_root, "copy", "nested", "bright");
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Repo.Root, "tests", "fixtures", "parquet", "bright-hub"), "*.parquet", SearchOption.AllDirectories))
        {
            string target = Path.Combine(shards, Path.GetFileName(Path.GetDirectoryName(file))!, Path.GetFileName(file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        BrightRunOptions FromDisk(string data) => new()
        {
            Tasks = ["biology"], Data = data, Offline = true, Recorded = new() { ["data"] = data, ["long"] = "false" },
        };
        using var downloader = new HubDownloader();
        List<StepOutcome> outcomes = await new BrightPipeline(Path.Combine(_root, "exp-parquet"), FromDisk(Path.Combine(_root, "copy")), downloader).RunAsync();
        Assert.Equal(["pull", "index", "search", "eval"], outcomes.Select(o => o.Step));
        Assert.Equal(572, outcomes[0].Figures["documents"]);
        Assert.Equal(103, outcomes[0].Figures["topics"]);
        string manifest = File.ReadAllText(Path.Combine(_root, "exp-parquet", "manifest.json"));
        Assert.Contains("local:" + Path.Combine(_root, "copy"), manifest);

        // The converted JSONL alone, one file plain and one gzipped, gives the same evaluation.
        string jsonl = Path.Combine(_root, "jsonl");
        Directory.CreateDirectory(Path.Combine(jsonl, "biology"));
        File.Copy(Path.Combine(_root, "copy", "biology", "documents.jsonl.gz"), Path.Combine(jsonl, "biology", "documents.jsonl.gz"));
        using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(_root, "copy", "biology", "examples.jsonl.gz")), System.IO.Compression.CompressionMode.Decompress))
        using (FileStream plain = File.Create(Path.Combine(jsonl, "biology", "examples.jsonl")))
        {
            gz.CopyTo(plain);
        }

        List<StepOutcome> again = await new BrightPipeline(Path.Combine(_root, "exp-jsonl"), FromDisk(jsonl), downloader).RunAsync();
        Assert.Equal(572, again[0].Figures["documents"]);
        Assert.Equal(File.ReadAllText(Path.Combine(_root, "exp-parquet", "biology", "eval.tsv")), File.ReadAllText(Path.Combine(_root, "exp-jsonl", "biology", "eval.tsv")));
    }

    [Fact]
    public async Task A_run_that_fails_before_writing_anything_leaves_no_experiment_folder()
    {
        string experiment = Path.Combine(_root, "exp-failed");
        string empty = Path.Combine(_root, "empty");
        Directory.CreateDirectory(empty);
        using var downloader = new HubDownloader();
        var options = new BrightRunOptions { Tasks = ["pony"], Data = empty, Offline = true, Recorded = new() };
        HubException e = await Assert.ThrowsAsync<HubException>(() => new BrightPipeline(experiment, options, downloader).RunAsync());
        Assert.Contains("(offline)", e.Message);
        Assert.False(Directory.Exists(experiment), "the failed run left its experiment folder");
    }

    private sealed class SyncProgress(Action<StepOutcome> report) : IProgress<StepOutcome>
    {
        public void Report(StepOutcome value) => report(value);
    }
}
