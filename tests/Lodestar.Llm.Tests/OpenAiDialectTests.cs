using System.Text.Json;
using Lodestar.Llm.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Lodestar.Llm.Tests;

/// <summary>
/// The protocol details each server speaks (issue 18): llama.cpp's <c>/tokenize</c> reads <c>content</c> and answers
/// an unknown field with an empty list; llama-server's <c>n</c> &gt; 1 seeds choice <c>j</c> with <c>seed + j</c>
/// and reports the first choice's usage only; temperatures from Microsoft.Extensions.AI's floats.
/// The llama.cpp answers below follow tools/server in the source node-llama-cpp 3.22.1 bundles.
/// </summary>
public sealed class OpenAiDialectTests
{
    /// <summary>A server on 127.0.0.1 with the given POST routes; counts every request per path.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly WebApplication _app;

        public Dictionary<string, int> Hits { get; } = [];

        public List<string> Bodies { get; } = [];

        public Uri Url { get; private set; } = null!;

        private Server(WebApplication app) => _app = app;

        public static async Task<Server> StartAsync(params (string Path, Func<JsonElement, object> Answer)[] routes)
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            WebApplication app = builder.Build();
            var server = new Server(app);
            foreach ((string path, Func<JsonElement, object> answer) in routes)
            {
                app.MapPost(path, async (HttpContext ctx) =>
                {
                    string body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
                    lock (server.Hits)
                    {
                        server.Hits[path] = server.Hits.GetValueOrDefault(path) + 1;
                        server.Bodies.Add(body);
                    }

                    await ctx.Response.WriteAsJsonAsync(answer(JsonDocument.Parse(body).RootElement.Clone()));
                });
            }

            await app.StartAsync();
            server.Url = new Uri(app.Urls.First());
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    private static OpenAiClient Client(Server server) =>
        new(new EndpointOptions { BaseUrl = server.Url, Model = "m", MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(10) });

    /// <summary>llama-server's /tokenize: reads <c>content</c> only, one token per word here.</summary>
    private static object LlamaTokenize(JsonElement body) => new
    {
        tokens = body.TryGetProperty("content", out JsonElement c)
            ? c.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select((_, i) => 100 + i).ToArray()
            : [],
    };

    [Fact]
    public async Task Llama_cpp_tokenize_is_sent_content_and_the_dialect_is_kept()
    {
        await using Server server = await Server.StartAsync(("/tokenize", LlamaTokenize));
        using OpenAiClient client = Client(server);
        Assert.Equal(5, await client.CountTokensAsync("one two three four five"));
        Assert.Equal(2, await client.CountTokensAsync("six seven"));
        Assert.Equal(2, server.Hits["/tokenize"]); // one request each: content first, and kept
        Assert.All(server.Bodies, b => Assert.Equal("m", JsonDocument.Parse(b).RootElement.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task Vllm_tokenize_gets_prompt_after_content_fails_validation()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "x"), tokenize: true);
        using var client = new OpenAiClient(new EndpointOptions { BaseUrl = server.Url, Model = "m", MaxRetries = 0 });
        Assert.Equal(3, await client.CountTokensAsync("a b c"));
        Assert.Equal(2, server.TokenizeRequests); // content (400), then prompt
        Assert.Equal(1, await client.CountTokensAsync("d"));
        Assert.Equal(3, server.TokenizeRequests); // the dialect is kept
    }

    [Fact]
    public async Task An_empty_token_list_for_non_empty_text_is_an_error_not_zero_tokens()
    {
        await using Server server = await Server.StartAsync(("/tokenize", _ => new { tokens = Array.Empty<int>() }));
        using OpenAiClient client = Client(server);
        LlmException e = await Assert.ThrowsAsync<LlmException>(() => client.CountTokensAsync("some real text"));
        Assert.Equal(LlmFailure.Malformed, e.Kind);
        Assert.Contains("no tokens for 14 characters", e.Message);
        Assert.Equal(2, server.Hits["/tokenize"]); // both dialects tried
    }

    /// <summary>llama-server's merged answer for n choices: the first task's usage and timings, the others' choices.</summary>
    private static object LlamaCompletion(JsonElement body)
    {
        int n = body.GetProperty("n").GetInt32();
        string[] texts = ["<score>70</score>", "it is relevant <score>80</score>", "no"];
        return new
        {
            id = "chatcmpl-1",
            @object = "chat.completion",
            choices = Enumerable.Range(0, n).Select(i => new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = texts[i % 3] } }),
            usage = new { completion_tokens = 8, prompt_tokens = 50, total_tokens = 58, prompt_tokens_details = new { cached_tokens = 0 } },
            timings = new { prompt_n = 50, predicted_n = 8 },
        };
    }

    [Fact]
    public async Task Llama_server_n_samples_record_seed_plus_index_and_say_which_counts_are_estimates()
    {
        await using Server server = await Server.StartAsync(("/v1/chat/completions", LlamaCompletion));
        using OpenAiClient client = Client(server);
        ChatResult result = await client.CompleteAsync(new ChatRequest { Messages = [("user", "q")], N = 3, Seed = 42, Temperature = 0.6 });
        Assert.Equal([42L, 43L, 44L], result.Choices.Select(c => c.Seed!.Value));
        Assert.Equal(8, result.Choices[0].Tokens);            // the usage is the first choice's, exactly
        Assert.False(result.Choices[0].TokensEstimated);
        Assert.Equal(15, result.Choices[1].Tokens);           // 32 characters at 8 tokens / 17 characters
        Assert.Equal(1, result.Choices[2].Tokens);            // 2 characters
        Assert.True(result.Choices[1].TokensEstimated && result.Choices[2].TokensEstimated);
        Assert.Equal(24, result.CompletionTokens);            // not 8 split three ways
        Assert.Equal(50, result.PromptTokens);

        // Through IChatClient, each answer carries its own facts, which the reranker stores per sample.
        using var chat = new OpenAiChatClient(Client(server));
        ChatResponse response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "q")],
            new ChatOptions { Seed = 7, Temperature = 0.6f, AdditionalProperties = new AdditionalPropertiesDictionary { ["n"] = 2 } });
        Assert.Equal((7L, 8L, false), SampleFacts.Read(response.Messages[0]));
        Assert.Equal((8L, 15L, true), SampleFacts.Read(response.Messages[1]));
        Assert.Equal(23, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task A_server_that_reports_one_total_has_it_apportioned_and_marked_as_estimated()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "aaaa", "aaaaaaaaaaaa"));
        using var client = new OpenAiClient(new EndpointOptions { BaseUrl = server.Url, Model = "m", MaxRetries = 0 });
        ChatResult result = await client.CompleteAsync(new ChatRequest { Messages = [("user", "q")], N = 2, Seed = 5 });
        Assert.Equal([10L, 30L], result.Choices.Select(c => c.Tokens)); // 40 in all, by characters
        Assert.All(result.Choices, c => Assert.True(c.TokensEstimated));
        Assert.All(result.Choices, c => Assert.Equal(5L, c.Seed));     // an unknown server: the seed as sent
        Assert.Equal(40, result.CompletionTokens);
    }

    [Fact]
    public async Task A_float_temperature_is_sent_as_written()
    {
        await using Server server = await Server.StartAsync(("/v1/chat/completions", LlamaCompletion));
        using var chat = new OpenAiChatClient(Client(server));
        await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], new ChatOptions { Temperature = 0.6f, TopP = 0.95f });
        string body = server.Bodies.Single();
        Assert.Contains("\"temperature\":0.6,", body);
        Assert.Contains("\"top_p\":0.95", body);
        Assert.DoesNotContain("0.6000000238418579", body);
    }
}
