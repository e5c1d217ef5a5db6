using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lodestar.LoadTest;

/// <summary>An OpenAI-compatible server that answers every chat completion at once with a fixed Retro* answer, so a
/// rerank call's time is the service's own plus one loopback round trip.</summary>
internal static class InstantLlm
{
    private static readonly byte[] s_answer = """{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"relevant <score>50</score>"},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":5}}"""u8.ToArray();

    public static async Task<int> RunAsync(int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapPost("/v1/chat/completions", async ctx =>
        {
            // The body is read in full, as a real server must.
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(s_answer);
        });
        await app.StartAsync();
        Console.WriteLine($"instant LLM on {app.Urls.First()}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}
