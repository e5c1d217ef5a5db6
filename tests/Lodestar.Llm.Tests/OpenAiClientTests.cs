using Lodestar.Llm.Client;
using Microsoft.Extensions.AI;

namespace Lodestar.Llm.Tests;

public class OpenAiClientTests
{
    private static OpenAiClient Client(FakeOpenAiServer server, int retries = 4, int inFlight = 8, int timeoutMs = 10_000) => new(new EndpointOptions
    {
        BaseUrl = server.Url,
        Model = "retro-star",
        MaxRetries = retries,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        RequestTimeout = TimeSpan.FromMilliseconds(timeoutMs),
        MaxInFlight = inFlight,
    });

    private static ChatRequest Request(int n = 1) => new()
    {
        Messages = [("user", "Is this document relevant?")],
        N = n,
        Temperature = 0.6,
        TopP = 1.0,
        TopK = 40,
        Seed = 42,
        MaxTokens = 4096,
        Stop = ["</score>"],
        ChatTemplateKwargs = new Dictionary<string, object> { ["enable_thinking"] = false },
    };

    [Fact]
    public async Task Complete_SendsWhatVllmAndSglangExpect_AndReadsEveryChoice()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "a <score>70</score>", "b <score>80</score>"));
        using OpenAiClient client = Client(server);
        ChatResult result = await client.CompleteAsync(Request(n: 2));

        Assert.Equal(["a <score>70</score>", "b <score>80</score>"], result.Choices.Select(c => c.Text));
        Assert.Equal((100L, 40L, 1), (result.PromptTokens, result.CompletionTokens, result.Attempts));
        var body = FakeOpenAiServer.Json(server.Bodies.Single());
        Assert.Equal("retro-star", body.GetProperty("model").GetString());
        Assert.Equal("user", body.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal(2, body.GetProperty("n").GetInt32());
        Assert.Equal(0.6, body.GetProperty("temperature").GetDouble());
        Assert.Equal(1.0, body.GetProperty("top_p").GetDouble());
        Assert.Equal(40, body.GetProperty("top_k").GetInt32());
        Assert.Equal(42, body.GetProperty("seed").GetInt64());
        Assert.Equal(4096, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal("</score>", body.GetProperty("stop")[0].GetString());
        Assert.False(body.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
    }

    [Fact]
    public async Task Complete_TransientFaults_AreRetriedUntilAnAnswer()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, _) => n switch
        {
            1 => FakeOpenAiServer.Status(ctx, 500, "boom"),
            2 => FakeOpenAiServer.Status(ctx, 429, "slow down"),
            3 => FakeOpenAiServer.Drop(ctx),
            4 => FakeOpenAiServer.Hang(ctx),
            5 => FakeOpenAiServer.Malformed(ctx),
            _ => FakeOpenAiServer.Answer(ctx, "<score>55</score>"),
        });
        // SocketsHttpHandler may itself resend a request whose connection dropped, so the server can see one
        // request more than the client made attempts; retries leave room for that.
        using OpenAiClient client = Client(server, retries: 8, timeoutMs: 1500);
        ChatResult result = await client.CompleteAsync(Request());
        Assert.Equal("<score>55</score>", result.Choices[0].Text);
        Assert.InRange(result.Attempts, 5, 9);
        Assert.True(server.Requests >= result.Attempts);
    }

    [Fact]
    public async Task Complete_RetriesExhausted_ErrorNamesEndpointModelStatusAndBody()
    {
        string body = "overloaded " + new string('x', 300);
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Status(ctx, 503, body));
        using OpenAiClient client = Client(server, retries: 2);
        var e = await Assert.ThrowsAsync<LlmException>(() => client.CompleteAsync(Request()));
        Assert.Equal(3, server.Requests);
        Assert.Equal((LlmFailure.Http, 503), (e.Kind, e.Status!.Value));
        Assert.StartsWith($"{server.Url}v1/chat/completions (model retro-star): HTTP 503: overloaded xxx", e.Message);
        Assert.EndsWith(new string('x', 189) + "…", e.Message);
    }

    [Fact]
    public async Task Complete_ClientError_IsNotRetried()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Status(ctx, 400, "{\"error\": \"context too long\"}"));
        using OpenAiClient client = Client(server);
        var e = await Assert.ThrowsAsync<LlmException>(() => client.CompleteAsync(Request()));
        Assert.Equal(1, server.Requests);
        Assert.Contains("context too long", e.Message);
    }

    [Fact]
    public async Task Complete_ManyCallers_NeverExceedTheInFlightLimit()
    {
        await using var server = await FakeOpenAiServer.StartAsync(async (ctx, _, _) =>
        {
            await Task.Delay(200);
            await FakeOpenAiServer.Answer(ctx, "<score>1</score>");
        });
        using OpenAiClient client = Client(server, inFlight: 3);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.CompleteAsync(Request())));
        Assert.Equal(12, server.Requests);
        Assert.Equal(3, server.MaxInFlight);
    }

    [Fact]
    public async Task ChatClientAdapter_MapsOptionsAndUsage()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "<score>90</score>"));
        using IChatClient chat = new OpenAiChatClient(Client(server));
        var options = new ChatOptions { Temperature = 0.6f, TopK = 40, Seed = 42, MaxOutputTokens = 100 };
        options.AdditionalProperties = new AdditionalPropertiesDictionary { ["chat_template_kwargs"] = new Dictionary<string, object> { ["enable_thinking"] = false } };
        ChatResponse response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], options);
        Assert.Equal("<score>90</score>", response.Text);
        Assert.Equal(20, response.Usage!.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.False(FakeOpenAiServer.Json(server.Bodies.Single()).GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
        Assert.NotNull(chat.GetService(typeof(OpenAiClient)));
    }

    [Fact]
    public async Task TruncatedOutput_IsReportedAsLength_AndHasNoScore()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.AnswerWith(ctx, "length", "Step 1: the query asks about pho"));
        using OpenAiClient client = Client(server);
        ChatResult result = await client.CompleteAsync(Request());
        Assert.Equal("length", result.Choices[0].FinishReason);
        Assert.Equal(Lodestar.Rerank.RetroStar.ScoreOutcome.Unparseable, Lodestar.Rerank.RetroStar.ScoreParser.Parse(result.Choices[0].Text).Outcome);
    }

    [Fact]
    public async Task DiscoverConcurrency_ReadsSglangsServerInfo()
    {
        await using var sglang = await FakeOpenAiServer.StartAsync((ctx, _, _) => Task.CompletedTask, sglangConcurrency: 24);
        using OpenAiClient client = Client(sglang);
        Assert.Equal(24, await client.DiscoverConcurrencyAsync());
        await using var plain = await FakeOpenAiServer.StartAsync((ctx, _, _) => Task.CompletedTask);
        using OpenAiClient other = Client(plain, retries: 0);
        Assert.Null(await other.DiscoverConcurrencyAsync());
    }

    [Fact]
    public async Task ListModels_ReadsTheServersList()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => Task.CompletedTask);
        using OpenAiClient client = Client(server);
        Assert.Equal(["retro-star"], await client.ListModelsAsync());
        Assert.Null(await client.CountTokensAsync("hello")); // this server has no /tokenize
    }
}
