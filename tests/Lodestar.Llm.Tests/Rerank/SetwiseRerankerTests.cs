using System.Text.RegularExpressions;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Model;
using Lodestar.Rerank.Setwise;

namespace Lodestar.Llm.Tests.Rerank;

/// <summary><see cref="SetwiseReranker"/> against a scripted server that picks the passage with the highest <c>rel=</c>.</summary>
public sealed partial class SetwiseRerankerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lodestar-setwise-" + Guid.NewGuid().ToString("N")[..8]);

    public SetwiseRerankerTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Pick(string body)
    {
        string prompt = FakeOpenAiServer.Json(body).GetProperty("messages")[0].GetProperty("content").GetString()!;
        Match best = Passage().Matches(prompt).MaxBy(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))!;
        return $"<think>comparing</think>Passage {best.Groups[1].Value}";
    }

    [GeneratedRegex("Passage ([A-Z]): \"doc rel=(\\d+)")]
    private static partial Regex Passage();

    [Fact]
    public async Task Heapsort_FindsTheTopK_WithTheExpectedComparisons_AndARerunAsksNothing()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => FakeOpenAiServer.Answer(ctx, Pick(body)));
        var run = new Run("bm25");
        run.Set("q1", [.. Enumerable.Range(0, 30).Select(i => new Hit($"d{i:00}", 100 - i))]);
        Func<string, string?> textOf = id => $"doc rel={int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture)}";
        var topic = new Topic("q1", "moths");
        var client = new OpenAiChatClient(new OpenAiClient(new EndpointOptions { BaseUrl = server.Url, Model = "m", MaxRetries = 0 }));
        using var store = new JudgmentStore(Path.Combine(_dir, "s.db"));
        var options = new SetwiseOptions { Top = 30, K = 10, Children = 3 };
        (Run first, SetwiseSummary summary) = await new SetwiseReranker(new StoredChat(client, store), options).RerankAsync([topic], run, textOf);
        // A hand simulation of the 4-ary heap (node + 3 children) over 30 candidates: 40 comparisons.
        Assert.Equal(40, summary.Comparisons);
        Assert.Equal(40, server.Requests);
        Assert.Equal(0, summary.Unparseable);
        Assert.Equal([.. Enumerable.Range(20, 10).Reverse().Select(i => $"d{i:00}"), .. Enumerable.Range(0, 20).Select(i => $"d{i:00}")], first["q1"].Select(h => h.DocId));

        (Run second, SetwiseSummary again) = await new SetwiseReranker(new StoredChat(client, store), options).RerankAsync([topic], run, textOf);
        Assert.Equal(40, server.Requests);
        Assert.Equal(0, again.Requested);
        Assert.Equal(first["q1"], second["q1"]);
    }

    [Theory]
    [InlineData("Passage B", 3, 1)]
    [InlineData("<think>Passage A is weak</think>\nC", 3, 2)]
    [InlineData("The most relevant is Passage (C).", 3, 2)]
    [InlineData("Passage Z", 3, null)]
    [InlineData("none of them", 3, null)]
    [InlineData("<think>A", 3, null)]
    public void Parse_ReadsTheLabel_OutsideThinking(string answer, int count, int? expected) =>
        Assert.Equal(expected, SetwisePrompt.Parse(answer, count));
}
