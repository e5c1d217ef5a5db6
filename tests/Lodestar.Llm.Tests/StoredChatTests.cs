using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;

namespace Lodestar.Llm.Tests;

/// <summary>Generic LLM calls through the judgment store, against a scripted server on 127.0.0.1.</summary>
public sealed class StoredChatTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lodestar-calls-" + Guid.NewGuid().ToString("N")[..8]);

    public StoredChatTests() => Directory.CreateDirectory(_dir);

    private static OpenAiChatClient Client(FakeOpenAiServer server) => new(new OpenAiClient(new EndpointOptions
    {
        BaseUrl = server.Url,
        Model = "m",
        MaxRetries = 1,
        RetryDelay = TimeSpan.FromMilliseconds(1),
    }));

    private static readonly (string, string)[] s_messages = [("system", "be brief"), ("user", "why are insects drawn to light?")];

    [Fact]
    public async Task Ask_StoresAnswers_AndASecondRunAsksNothing()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) =>
            FakeOpenAiServer.Answer(ctx, [.. Enumerable.Range(0, FakeOpenAiServer.Json(body).GetProperty("n").GetInt32()).Select(i => $"answer {n}.{i}")]));
        var sampling = new LlmSampling { Temperature = 0.7, Seed = 5 };
        using (var store = new JudgmentStore(Path.Combine(_dir, "s.db")))
        {
            var chat = new StoredChat(Client(server), store);
            IReadOnlyList<LlmCall> one = await chat.AskAsync("rewrite:test", s_messages, sampling, 1);
            Assert.Equal("answer 1.0", one[0].Text);
            Assert.Equal(5, one[0].Seed);
            // Three answers when one is stored: one request for the two missing, seeded 5 + 1.
            IReadOnlyList<LlmCall> three = await chat.AskAsync("rewrite:test", s_messages, sampling, 3);
            Assert.Equal(["answer 1.0", "answer 2.0", "answer 2.1"], three.Select(c => c.Text));
            Assert.Equal([5L, 6L, 6L], three.Select(c => c.Seed));
            Assert.Equal(2, server.Requests);
            Assert.Equal(6, FakeOpenAiServer.Json(server.Bodies[1]).GetProperty("seed").GetInt64());
            Assert.Equal(2, FakeOpenAiServer.Json(server.Bodies[1]).GetProperty("n").GetInt32());
            Assert.Equal(3, chat.Counters.Asked);
            Assert.Equal(1, chat.Counters.Reused);
            Assert.True(three[1].TokensEstimated);
            Assert.Equal("[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"why are insects drawn to light?\"}]",
                store.GetPrompt(three[0].PromptSha256));
        }

        using (var store = new JudgmentStore(Path.Combine(_dir, "s.db")))
        {
            var chat = new StoredChat(Client(server), store);
            IReadOnlyList<LlmCall> again = await chat.AskAsync("rewrite:test", s_messages, sampling, 3);
            Assert.Equal(["answer 1.0", "answer 2.0", "answer 2.1"], again.Select(c => c.Text));
            Assert.Equal(2, server.Requests);
            Assert.Equal(0, chat.Counters.Asked);
            // Another seed is another call.
            await chat.AskAsync("rewrite:test", s_messages, sampling with { Seed = 6 }, 1);
            Assert.Equal(3, server.Requests);
        }
    }

    [Fact]
    public async Task Ask_FailureIsCountedStoredAndThrown_NeverAnAnswer()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Status(ctx, 500, "boom"));
        using var store = new JudgmentStore(Path.Combine(_dir, "f.db"));
        var chat = new StoredChat(Client(server), store);
        LlmException e = await Assert.ThrowsAsync<LlmException>(() => chat.AskAsync("synth:step", s_messages, new LlmSampling(), 1));
        Assert.Contains("HTTP 500", e.Message, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, int> { ["Http500"] = 1 }, chat.Counters.Failures);
        Assert.Empty(store.GetCalls(chat.KeyOf(s_messages, new LlmSampling())));
        Assert.Equal(1, store.Stats().Failures);
    }

    [Theory]
    [InlineData("<think>a\nb</think>\nThe answer is 4.", "a\nb", "The answer is 4.")]
    [InlineData("reasoning from a template's open tag</think>[2] > [1]", "reasoning from a template's open tag", "[2] > [1]")]
    [InlineData("x <think>one</think> y <think>two</think> z", "onetwo", "x  y  z")]
    [InlineData("<think>ran out of tokens", "ran out of tokens", "")]
    [InlineData("no thinking at all", "", "no thinking at all")]
    public void ThinkBlock_Split(string text, string thinking, string answer) =>
        Assert.Equal((thinking, answer), ThinkBlock.Split(text));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
