using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lodestar.Llm.Tests.Rerank;

/// <summary>
/// A scripted Retro* server over real HTTP (<see cref="FakeOpenAiServer"/>): each (topic, document) pair has a known
/// score distribution, a normal of given mean and standard deviation, rounded and clamped to 0–100. Choice j of a
/// request with seed s is drawn with seed s + j from a hash of (topic, document, seed), so a sample depends only on
/// the pair and its seed, never on the order or the batching of requests.
/// </summary>
/// <remarks>The prompts must name the pair as <c>TOPIC[id]</c> (in the query) and <c>DOC[id]</c> (in the document
/// text), see <see cref="TopicText"/> and <see cref="DocText"/>.</remarks>
internal static partial class ScoreDistributionServer
{
    /// <summary>A topic's query text that the server can read back.</summary>
    public static string TopicText(string topic) => $"TOPIC[{topic}] which documents explain moths circling lamps?";

    /// <summary>A document's text that the server can read back.</summary>
    public static string DocText(string doc) => $"DOC[{doc}] phototaxis and artificial light at night.";

    /// <summary>Starts a server whose pair (topic, doc) scores follow <paramref name="distribution"/>.</summary>
    public static Task<FakeOpenAiServer> StartAsync(Func<string, string, (double Mean, double Sd)> distribution) =>
        FakeOpenAiServer.StartAsync((ctx, _, body) =>
        {
            JsonElement json = FakeOpenAiServer.Json(body);
            string prompt = json.GetProperty("messages")[0].GetProperty("content").GetString()!;
            string topic = TopicPattern().Match(prompt).Groups[1].Value, doc = DocPattern().Match(prompt).Groups[1].Value;
            long seed = json.GetProperty("seed").GetInt64();
            int n = json.TryGetProperty("n", out JsonElement count) ? count.GetInt32() : 1;
            (double mean, double sd) = distribution(topic, doc);
            return FakeOpenAiServer.Answer(ctx, [.. Enumerable.Range(0, n).Select(j => $"<score>{Draw(topic, doc, seed + j, mean, sd)}</score>")]);
        });

    /// <summary>The score of (topic, doc) drawn with <paramref name="seed"/>: a Box–Muller normal from the hash.</summary>
    public static int Draw(string topic, string doc, long seed, double mean, double sd)
    {
        byte[] h = SHA256.HashData(Encoding.UTF8.GetBytes($"{topic}|{doc}|{seed}"));
        double u1 = (BitConverter.ToUInt64(h, 0) >> 11) * (1.0 / (1UL << 53));
        double u2 = (BitConverter.ToUInt64(h, 8) >> 11) * (1.0 / (1UL << 53));
        double z = Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
        return (int)Math.Clamp(Math.Round(mean + (sd * z)), 0, 100);
    }

    [GeneratedRegex(@"TOPIC\[(.*?)\]")]
    private static partial Regex TopicPattern();

    [GeneratedRegex(@"DOC\[(.*?)\]")]
    private static partial Regex DocPattern();
}
