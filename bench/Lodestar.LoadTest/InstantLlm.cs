using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lodestar.LoadTest;

/// <summary>An OpenAI-compatible server that answers every chat completion at once: a fixed Retro* answer, or for a
/// listwise prompt (one without a score tag) the permutation of its passages in reverse, so that a rerank call's time is
/// the client's own plus one loopback round trip.</summary>
internal static class InstantLlm
{
    private static readonly byte[] s_answer = """{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"relevant <score>50</score>"},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":5}}"""u8.ToArray();

    private static byte[] Answer(ReadOnlySpan<byte> request)
    {
        // Retro*'s prompt asks for a <score> tag (JSON may escape the angle brackets).
        if (request.IndexOf("score>"u8) >= 0 || request.IndexOf("score\\u003E"u8) >= 0)
        {
            return s_answer;
        }

        int passages = 0;
        while (request.IndexOf(System.Text.Encoding.ASCII.GetBytes($"[{passages + 1}]")) >= 0)
        {
            passages++;
        }

        string permutation = string.Join(" > ", Enumerable.Range(1, Math.Max(1, passages)).Reverse().Select(i => $"[{i}]"));
        return System.Text.Encoding.UTF8.GetBytes(
            $$$"""{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"{{{permutation}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":20}}""");
    }

    public static async Task<int> RunAsync(int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapPost("/v1/chat/completions", async ctx =>
        {
            // The body is read in full, as a real server must.
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body);
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(Answer(body.GetBuffer().AsSpan(0, (int)body.Length)));
        });
        await app.StartAsync();
        Console.WriteLine($"instant LLM on {app.Urls.First()}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
