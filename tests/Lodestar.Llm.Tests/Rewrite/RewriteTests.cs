using System.Text;
using Lodestar.Formats;
using Lodestar.Model;
using Lodestar.Rewrite;

namespace Lodestar.Llm.Tests.Rewrite;

/// <summary>Query rewriting: the BRIGHT prompt contract, and <c>lodestar rewrite</c> against a scripted server.</summary>
public sealed class RewriteTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lodestar-rewrite-" + Guid.NewGuid().ToString("N")[..8]);

    public RewriteTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The prompt of xlang-ai/BRIGHT reason.py (commit 84af2f2a), its f-string with cur_post left open.</summary>
    private const string BrightReasonPy =
        "{query}\n\n" +
        "Instructions:\n" +
        "1. Identify the essential problem.\n" +
        "2. Think step by step to reason and describe what information could be relevant and helpful to address the questions in detail.\n" +
        "3. Draft an answer with as many thoughts as you have.\n";

    [Fact]
    public void ContractFile_IsBrightsPromptByteForByte_AndIsWhatTheProductEmbeds()
    {
        byte[] contract = File.ReadAllBytes(Path.Combine(Repo.Root, "docs", "prompts", "bright-reason.txt"));
        Assert.Equal(Encoding.UTF8.GetBytes(BrightReasonPy), contract);
        Assert.Equal(contract, Encoding.UTF8.GetBytes(RewritePrompt.BrightReasonTemplate));
    }

    [Fact]
    public void BrightPrompt_FlattensThePostAsBrightDoes()
    {
        var messages = RewritePrompt.Build(RewriteKind.BrightReason, "Why do moths\ncircle {query} lamps?");
        Assert.Equal(("system", "You are a helpful assistant"), messages[0]);
        // reason.py: cur_post = e["query"].replace('\n', ' '), then the f-string; a "{query}" inside the post stays.
        Assert.Equal("Why do moths circle {query} lamps?" + BrightReasonPy["{query}".Length..], messages[1].Content);
        Assert.Equal(0.8, RewritePrompt.DefaultSampling(RewriteKind.BrightReason).Temperature);
        Assert.Equal(2048, RewritePrompt.DefaultSampling(RewriteKind.BrightReason).MaxTokens);
        Assert.Equal("q q q q q doc", RewritePrompt.Compose(RewriteKind.Query2Doc, "q", "doc"));
        Assert.Throws<ArgumentException>(() => RewriteMethod.Parse("multi:0"));
        Assert.Equal(new RewriteMethod(RewriteKind.Multi, 3), RewriteMethod.Parse("multi:3"));
    }

    private string Topics()
    {
        string path = Path.Combine(_dir, "topics.jsonl");
        File.WriteAllText(path,
            "{\"id\": \"t1\", \"query\": \"Why do moths\\ncircle lamps?\", \"excluded_ids\": [\"x9\"], \"gold_ids\": [\"d1\"], \"gold_ids_long\": []}\n" +
            "{\"id\": \"t2\", \"query\": \"How do bees see?\", \"excluded_ids\": [], \"gold_ids\": [\"d2\"], \"gold_ids_long\": []}\n");
        return path;
    }

    [Fact]
    public async Task Rewrite_KeepsThinkingOutOfTheQuery_AndARerunAsksNothing()
    {
        // Topic t2's answer is thinking only (cut off): it keeps its original query, and that is counted.
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => body.Contains("bees", StringComparison.Ordinal)
            ? FakeOpenAiServer.Answer(ctx, "<think>bees have UV receptors and")
            : FakeOpenAiServer.Answer(ctx, "<think>secret chain of thought</think>\nThe essential problem: phototaxis of moths."));
        string topics = Topics(), output = Path.Combine(_dir, "reason.jsonl");
        string[] args = ["rewrite", "--topics", topics, "--method", "bright-reason", "--endpoint", server.Url.ToString(), "--model", "m", "--in-flight", "2", "-o", output];
        (int code, _, string err) = Repo.Cli(args);
        Assert.True(code == 0, err);
        Assert.Equal(2, server.Requests);
        Assert.Contains("1 empty answers", err);
        List<Topic> rewritten = TopicReader.Read(output);
        Assert.Equal("The essential problem: phototaxis of moths.", rewritten[0].Text);
        Assert.Equal(["x9"], rewritten[0].ExcludedIds);
        Assert.Equal(["d1"], rewritten[0].GoldIds);
        Assert.Equal("How do bees see?", rewritten[1].Text);
        // The request carried BRIGHT's prompt and sampling.
        var body = FakeOpenAiServer.Json(server.Bodies.First(b => b.Contains("moths", StringComparison.Ordinal)));
        Assert.Equal(0.8, body.GetProperty("temperature").GetDouble(), 6);
        Assert.Equal(2048, body.GetProperty("max_tokens").GetInt32());
        Assert.StartsWith("Why do moths circle lamps?\n\nInstructions:", body.GetProperty("messages")[1].GetProperty("content").GetString());

        byte[] first = File.ReadAllBytes(output);
        (code, _, err) = Repo.Cli(args);
        Assert.True(code == 0, err);
        Assert.Equal(2, server.Requests);
        Assert.Contains("0 answers asked, 2 from the store", err);
        Assert.Equal(first, File.ReadAllBytes(output));
    }

    [Fact]
    public async Task Multi_WritesOneTopicFilePerRewrite_FromOneRequestPerTopic()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) =>
        {
            int count = FakeOpenAiServer.Json(body).GetProperty("n").GetInt32();
            return FakeOpenAiServer.Answer(ctx, [.. Enumerable.Range(1, count).Select(i => $"rewrite {i}")]);
        });
        string output = Path.Combine(_dir, "multi.jsonl");
        (int code, _, string err) = Repo.Cli("rewrite", "--topics", Topics(), "--method", "multi:3", "--endpoint", server.Url.ToString(), "--model", "m", "--thinking", "off", "-o", output);
        Assert.True(code == 0, err);
        Assert.Equal(2, server.Requests);
        Assert.False(FakeOpenAiServer.Json(server.Bodies[0]).GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
        for (int i = 1; i <= 3; i++)
        {
            Assert.All(TopicReader.Read(Path.Combine(_dir, $"multi.{i}.jsonl")), t => Assert.Equal($"rewrite {i}", t.Text));
        }
    }

    [Fact]
    public async Task Rewrite_WhereEveryCallFails_ExitsOne()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => FakeOpenAiServer.Status(ctx, 400, "bad request"));
        (int code, _, string err) = Repo.Cli("rewrite", "--topics", Topics(), "--method", "hyde", "--endpoint", server.Url.ToString(), "--model", "m", "--retries", "0",
            "-o", Path.Combine(_dir, "hyde.jsonl"));
        Assert.Equal(1, code);
        Assert.Contains("2 failed topics kept their original query", err);
        Assert.Contains("Http400 2", err);
    }
}
