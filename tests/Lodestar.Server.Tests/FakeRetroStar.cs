using System.Text.Json;
using Lodestar.Llm.Tests;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Server.Tests;

/// <summary>The scripted "model" behind the fake OpenAI server: it reads the query and document out of the Retro*
/// prompt and scores their overlap, so every expected ranking in the tests can be worked out by hand.</summary>
/// <remarks>Score = round(100 × (query words of 4+ letters found in the document) / (query words of 4+ letters));
/// sample j of a request scores 3·j less (at least 0), which gives K samples a spread.</remarks>
internal static class FakeRetroStar
{
    public static int Overlap(string query, string doc)
    {
        string[] q = Words(query).Distinct().ToArray();
        var d = new HashSet<string>(Words(doc));
        return q.Length == 0 ? 0 : (int)Math.Round(100.0 * q.Count(d.Contains) / q.Length, MidpointRounding.AwayFromZero);
    }

    public static IEnumerable<string> Words(string text) =>
        System.Text.RegularExpressions.Regex.Split(text.ToLowerInvariant(), @"[^\p{L}\p{N}]+").Where(w => w.Length >= 4);

    public static string Between(string text, string start, string end)
    {
        int a = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[a..text.IndexOf(end, a, StringComparison.Ordinal)].Trim();
    }

    public static Task Answer(HttpContext ctx, string body)
    {
        JsonElement json = FakeOpenAiServer.Json(body);
        string prompt = json.GetProperty("messages")[0].GetProperty("content").GetString()!;
        int n = json.TryGetProperty("n", out JsonElement nn) ? nn.GetInt32() : 1;
        string query = Between(prompt, "[Begin of Query]", "[End of Query]");
        string doc = Between(prompt, "[Begin of Document]", "[End of Document]");
        int score = Overlap(query, doc);
        return FakeOpenAiServer.Answer(ctx, [.. Enumerable.Range(0, n).Select(j =>
            $"1. Query analysis: the query asks about {query.Length} characters of text.\n2. Document analysis: it shares words with the query.\n3. Relevance annotation:\n<score>{Math.Max(0, score - (3 * j))}</score>")]);
    }
}
