using System.Security.Cryptography;
using System.Text;
using Lodestar.Datasets;

namespace Lodestar.Llm.Tests;

/// <summary>`lodestar bright run` with Retro* reranking, SIGKILLed in the middle of reranking, then rerun.</summary>
public sealed class BrightRunKillTests : IAsyncLifetime
{
    private const int InFlight = 4;
    private readonly string _root = Directory.CreateTempSubdirectory("lodestar-brightkill-").FullName;
    private FakeHub _hub = null!;

    public async Task InitializeAsync()
    {
        _hub = await FakeHub.StartAsync();
        _hub.AddDataset(BrightDataset.Repository, Path.Combine(Repo.Root, "tests", "fixtures", "parquet", "bright-hub"));
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Killed_while_reranking_a_rerun_reuses_finished_steps_and_stored_judgments_and_equals_an_uninterrupted_run()
    {
        await using var server = await FakeOpenAiServer.StartAsync(async (ctx, _, body) =>
        {
            string prompt = FakeOpenAiServer.Json(body).GetProperty("messages")[0].GetProperty("content").GetString()!;
            await Task.Delay(10);
            await FakeOpenAiServer.Answer(ctx, $"<score>{SHA256.HashData(Encoding.UTF8.GetBytes(prompt))[0] * 100 / 255}</score>");
        });
        string[] Args(string experiment) =>
        [
            "bright", "run", "--tasks", "biology,leetcode", "--data", Path.Combine(_root, "data"), "-o", experiment,
            "--rerank", "retro-star", "--endpoint", server.Url.ToString(), "--model", "retro-star", "--cascade", "5@1", "--in-flight", $"{InFlight}",
        ];

        (int code, string log) = await RunAsync(Args(Path.Combine(_root, "reference")), kill: null);
        Assert.True(code == 0, log);
        int pairs = server.Requests;
        Assert.Equal(912, pairs); // 245 topics x top 5 = 1,225 pairs; 313 repeat a prompt (gold documents share their text) and are not asked again

        string experiment = Path.Combine(_root, "killed");
        string biologyStore = Path.Combine(experiment, "biology", "judgments.db");
        (code, _) = await RunAsync(Args(experiment), kill: () => server.Requests > pairs + 150);
        Assert.Equal(-9, code);
        int before = server.Requests;

        (code, log) = await RunAsync(Args(experiment), kill: null);
        Assert.True(code == 0, log);
        Assert.Contains("biology/pull: finished before, reused", log);
        Assert.Contains("biology/index: finished before, reused", log);
        Assert.Contains("biology/search: finished before, reused", log);
        Assert.True(File.Exists(biologyStore));
        // Every pair was asked once over the two runs, plus at most the requests in flight at the kill.
        Assert.InRange(server.Requests - pairs, pairs, pairs + InFlight);
        Assert.True(server.Requests - before < pairs, "the rerun asked only for what the killed run had not stored");
        foreach (string task in new[] { "biology", "leetcode" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "reference", task, "run.trec")), File.ReadAllBytes(Path.Combine(experiment, task, "run.trec")));
        }
    }

    /// <summary>Runs the CLI with the hub pointed at the local server; SIGKILLs it once <paramref name="kill"/> holds.</summary>
    private Task<(int Code, string Log)> RunAsync(string[] args, Func<bool>? kill) => CliProcess.RunAsync(args, kill,
        new Dictionary<string, string> { ["HF_HOME"] = Path.Combine(_root, "hf"), ["HF_ENDPOINT"] = _hub.Url.ToString() });
}
