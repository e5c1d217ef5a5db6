using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Llm.Tests.Pipeline;

/// <summary>
/// The script of an OpenAI-compatible test server for recipes: rewrite prompts are answered with the query and a
/// per-answer word, Retro* prompts with a score drawn from the prompt's and the seed's hash, one choice per asked
/// <c>n</c>. Deterministic, so an interrupted and an uninterrupted run must end with the same files.
/// </summary>
internal static class RecipeServer
{
    public static Task<FakeOpenAiServer> StartAsync(int delayMs = 0) => FakeOpenAiServer.StartAsync(async (ctx, _, body) =>
    {
        if (delayMs > 0)
        {
            await Task.Delay(delayMs);
        }

        await FakeOpenAiServer.Answer(ctx, Answers(body));
    });

    /// <summary>The choices answering one chat request.</summary>
    public static string[] Answers(string body)
    {
        JsonElement json = FakeOpenAiServer.Json(body);
        JsonElement messages = json.GetProperty("messages");
        string last = messages[messages.GetArrayLength() - 1].GetProperty("content").GetString()!;
        int n = json.TryGetProperty("n", out JsonElement nn) ? nn.GetInt32() : 1;
        long seed = json.TryGetProperty("seed", out JsonElement s) ? s.GetInt64() : 0;
        if (last.Contains("**relevance definition**", StringComparison.Ordinal))
        {
            return [.. Enumerable.Range(0, n).Select(i => $"The document discusses it. <score>{Hash(last + (seed + i)) % 101}</score>")];
        }

        // BRIGHT's reasoning prompt: the post comes first; the multi-rewrite prompt ends with "Query: POST".
        string query = last.Contains("\n\nInstructions:", StringComparison.Ordinal) ? last[..last.IndexOf("\n\nInstructions:", StringComparison.Ordinal)]
            : last[(last.LastIndexOf("Query: ", StringComparison.Ordinal) + 7)..];
        string[] words = ["flow", "pressure", "heat", "boundary", "layer", "wing", "shock", "theory"];
        return [.. Enumerable.Range(0, n).Select(i => $"<think>plan</think>{query} {words[(int)((Hash(query) + (ulong)seed + (ulong)i) % (ulong)words.Length)]}")];
    }

    private static ulong Hash(string text) => BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
}
