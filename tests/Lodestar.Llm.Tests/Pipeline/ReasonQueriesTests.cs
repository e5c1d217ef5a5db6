using Lodestar.Formats;
using Lodestar.Model;
using Lodestar.Pipeline;

namespace Lodestar.Llm.Tests.Pipeline;

/// <summary><c>lodestar bright run --queries reason:MODEL</c>: BRIGHT's reasoning queries written by MODEL, searched
/// with BM25, resumable and never paid twice.</summary>
public sealed class ReasonQueriesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lodestar-reason-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Reasoning_queries_are_written_once_searched_and_a_rerun_asks_nothing()
    {
        await using FakeOpenAiServer server = await RecipeServer.StartAsync();
        string data = RecipeRunTests.BrightCopy(_root);
        string experiment = Path.Combine(_root, "exp");
        string[] args = ["bright", "run", "--tasks", "biology", "--data", data, "--queries", "reason:qwen3", "--endpoint", server.Url.ToString(), "--in-flight", "4", "-o", experiment];
        var first = Repo.Cli(args);
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(103, server.Requests); // one per topic: biology's 103 posts are distinct
        Assert.Contains("biology/rewrite: done in", first.Err);
        Assert.Equal("qwen3", FakeOpenAiServer.Json(server.Bodies[0]).GetProperty("model").GetString());

        List<Topic> original = TopicReader.Read(Path.Combine(data, "biology", "examples.jsonl.gz"));
        List<Topic> reasoned = TopicReader.Read(Path.Combine(experiment, "biology", "queries.reason.jsonl"));
        Assert.Equal(original.Select(t => t.Id), reasoned.Select(t => t.Id));
        Assert.Equal(original.Select(t => t.GoldIds), reasoned.Select(t => t.GoldIds));
        // The model's answer without its thinking: the post flattened onto one line, then the scripted server's word.
        Assert.StartsWith(original[0].Text.Replace('\n', ' ') + " ", reasoned[0].Text);
        Assert.DoesNotContain("<think>", reasoned[0].Text);
        ExperimentManifest manifest = ExperimentManifest.Load(experiment);
        Assert.Contains("biology/queries.reason.jsonl", manifest.Tasks["biology"]["search"].Inputs.Keys);

        var again = Repo.Cli(args);
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(103, server.Requests);
        Assert.Contains("biology/rewrite: finished before, reused", again.Err);
        Assert.DoesNotContain(": done in", again.Err);
    }

    [Fact]
    public void Reasoning_queries_need_an_endpoint()
    {
        string experiment = Path.Combine(_root, "exp");
        var r = Repo.Cli("bright", "run", "--tasks", "biology", "--data", RecipeRunTests.BrightCopy(_root), "--queries", "reason:qwen3", "-o", experiment);
        Assert.Equal(2, r.Code);
        Assert.Contains("--queries reason:qwen3 needs --endpoint URL, the server of qwen3", r.Err);
        Assert.False(Directory.Exists(experiment), "the usage error came before any work");
    }
}
