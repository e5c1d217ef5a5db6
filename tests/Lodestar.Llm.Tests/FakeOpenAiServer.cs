using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lodestar.Llm.Tests;

/// <summary>
/// An OpenAI-compatible server on 127.0.0.1 (Kestrel, a real socket) whose answers are scripted per request:
/// normal answers, HTTP errors, hangs, dropped connections, malformed JSON. It counts requests and concurrency.
/// </summary>
internal sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _inFlight;
    private int _maxInFlight;

    private FakeOpenAiServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Requests => _requests;

    public int MaxInFlight => _maxInFlight;

    public List<string> Bodies { get; } = [];

    /// <summary>Requests by path, answered or not (a path the server lacks gets 404 and is counted too).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Paths { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests to /v1/embeddings so far.</summary>
    public int EmbeddingRequests => _embeddingRequests;

    private int _embeddingRequests;

    private int _tokenizeRequests;

    /// <summary>Requests to <c>/tokenize</c> so far.</summary>
    public int TokenizeRequests => _tokenizeRequests;

    /// <summary>The fake server's (unnormalized) embedding of a text: counts of a, e, i, o and its length.</summary>
    public static float[] EmbeddingOf(string text) => [.. "aeio".Select(c => (float)text.Count(x => x == c)), text.Length];

    /// <summary>Starts a server; <paramref name="script"/> answers the n-th chat request (1-based). <paramref name="port"/>
    /// 0 takes a free port; a given port brings a stopped server back at its address.</summary>
    public static async Task<FakeOpenAiServer> StartAsync(Func<HttpContext, int, string, Task> script, bool tokenize = false, int? sglangConcurrency = null, int port = 0)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.Use(async (ctx, next) =>
        {
            server.Paths.AddOrUpdate(ctx.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            await next(ctx);
        });
        app.MapPost("/v1/chat/completions", async ctx =>
        {
            string body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            int n = Interlocked.Increment(ref server._requests);
            lock (server.Bodies)
            {
                server.Bodies.Add(body);
            }

            int now = Interlocked.Increment(ref server._inFlight);
            int seen;
            while (now > (seen = server._maxInFlight) && Interlocked.CompareExchange(ref server._maxInFlight, now, seen) != seen)
            {
            }

            try
            {
                await script(ctx, n, body);
            }
            finally
            {
                Interlocked.Decrement(ref server._inFlight);
            }
        });
        if (tokenize)
        {
            // vLLM's dialect (a body without `prompt` fails validation with 400); one token per whitespace-separated word.
            app.MapPost("/tokenize", async ctx =>
            {
                var body = Json(await new StreamReader(ctx.Request.Body).ReadToEndAsync());
                Interlocked.Increment(ref server._tokenizeRequests);
                if (!body.TryGetProperty("prompt", out JsonElement p))
                {
                    await Status(ctx, 400, "{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"Field required\"}]}");
                    return;
                }

                string prompt = p.GetString()!;
                await ctx.Response.WriteAsJsonAsync(new { count = prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length });
            });
        }

        if (sglangConcurrency is int concurrency)
        {
            app.MapGet("/get_server_info", () => Results.Json(new { max_running_requests = concurrency, model_path = "m" }));
        }

        // /v1/embeddings: the first request fails with 503 (to exercise the retry); answers list the data in reverse,
        // with index fields, as servers may.
        app.MapPost("/v1/embeddings", async ctx =>
        {
            int n = Interlocked.Increment(ref server._embeddingRequests);
            if (n == 1)
            {
                await Status(ctx, 503, "warming up");
                return;
            }

            JsonElement body = Json(await new StreamReader(ctx.Request.Body).ReadToEndAsync());
            string[] inputs = [.. body.GetProperty("input").EnumerateArray().Select(x => x.GetString()!)];
            await ctx.Response.WriteAsJsonAsync(new
            {
                @object = "list",
                data = inputs.Select((text, i) => new { @object = "embedding", index = i, embedding = EmbeddingOf(text) }).Reverse().ToArray(),
                model = body.GetProperty("model").GetString(),
            });
        });
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = "retro-star" } } }));
        await app.StartAsync();
        server.Url = new Uri(app.Urls.First());
        return server;
    }

    /// <summary>A normal OpenAI completion with the given texts as choices.</summary>
    public static Task Answer(HttpContext ctx, params string[] texts) => AnswerWith(ctx, "stop", texts);

    /// <summary>A completion whose choices all end with <paramref name="finishReason"/> (such as <c>length</c>).</summary>
    public static Task AnswerWith(HttpContext ctx, string finishReason, params string[] texts) => ctx.Response.WriteAsJsonAsync(new
    {
        id = "x",
        @object = "chat.completion",
        choices = texts.Select((t, i) => new { index = i, message = new { role = "assistant", content = t }, finish_reason = finishReason }),
        usage = new { prompt_tokens = 100, completion_tokens = 20 * texts.Length },
    });

    public static Task Status(HttpContext ctx, int status, string body)
    {
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsync(body);
    }

    public static Task Hang(HttpContext ctx) => Task.Delay(Timeout.Infinite, ctx.RequestAborted).ContinueWith(_ => { });

    public static Task Drop(HttpContext ctx)
    {
        ctx.Abort();
        return Task.CompletedTask;
    }

    public static Task Malformed(HttpContext ctx)
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync("{\"choices\": [ {\"message\": ");
    }

    public static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
