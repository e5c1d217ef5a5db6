using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Model;
using Lodestar.Rerank.Listwise;

namespace Lodestar.Llm.Tests.Rerank;

/// <summary><see cref="ListwiseReranker"/> against a scripted OpenAI-compatible server on 127.0.0.1.</summary>
public sealed class ListwiseRerankerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lodestar-listwise-" + Guid.NewGuid().ToString("N")[..8]);

    public ListwiseRerankerTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static OpenAiChatClient Client(FakeOpenAiServer server) => new(new OpenAiClient(new EndpointOptions
    {
        BaseUrl = server.Url, Model = "m", MaxRetries = 0, RetryDelay = TimeSpan.FromMilliseconds(1),
    }));

    // 30 documents d00..d29 whose true relevance is their number: the first stage has them worst first.
    private static (Topic Topic, Run Run, Func<string, string?> TextOf) Data(int count = 30)
    {
        var run = new Run("bm25");
        run.Set("q1", [.. Enumerable.Range(0, count).Select(i => new Hit($"d{i:00}", 100 - i))]);
        return (new Topic("q1", "why do moths circle lamps?"), run, id => $"doc rel={int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture)} about moths");
    }

    [Fact]
    public async Task SlidingWindow_BubblesTheBestUp_AndARerunAsksNothing()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => FakeOpenAiServer.Answer(ctx, ScriptedRanker.Ideal(body)));
        (Topic topic, Run run, Func<string, string?> textOf) = Data();
        var options = new ListwiseOptions { Top = 30 };
        Run first, second;
        using (var store = new JudgmentStore(Path.Combine(_dir, "s.db")))
        {
            ListwiseSummary summary;
            (first, summary) = await new ListwiseReranker(new StoredChat(Client(server), store), options).RerankAsync([topic], run, textOf);
            // Windows [10, 30) then [0, 20): the ten best (d29..d20) reach the top in order.
            Assert.Equal(2, server.Requests);
            Assert.Equal(2, summary.Windows);
            Assert.Equal(2, summary.Requested);
            Assert.Equal(Enumerable.Range(20, 10).Reverse().Select(i => $"d{i:00}"), first["q1"].Take(10).Select(h => h.DocId));
            Assert.True(summary.Repairs.IsClean);
            // The second window saw d00..d09 (untouched) above d29..d20 (moved up by the first).
            Assert.Equal([.. Enumerable.Range(0, 10), .. Enumerable.Range(20, 10).Reverse()], ScriptedRanker.Relevances(server.Bodies[1]));
        }

        using (var store = new JudgmentStore(Path.Combine(_dir, "s.db")))
        {
            ListwiseSummary summary;
            (second, summary) = await new ListwiseReranker(new StoredChat(Client(server), store), options).RerankAsync([topic], run, textOf);
            Assert.Equal(2, server.Requests);
            Assert.Equal(0, summary.Requested);
            Assert.Equal(2, summary.Reused);
        }

        Assert.Equal(first["q1"], second["q1"]);
    }

    [Fact]
    public async Task ThreePasses_FixFiveMoreEachAtTheHead_AndTheRestKeepsItsOrderBelow()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => FakeOpenAiServer.Answer(ctx, ScriptedRanker.Ideal(body)));
        (Topic topic, Run run, Func<string, string?> textOf) = Data(40);
        using var store = new JudgmentStore(Path.Combine(_dir, "s.db"));
        var options = new ListwiseOptions { Top = 30, Window = 10, Stride = 5, Passes = 3 };
        (Run reranked, ListwiseSummary summary) = await new ListwiseReranker(new StoredChat(Client(server), store), options).RerankAsync([topic], run, textOf);
        // 5 windows a pass over 30 ([20, 30) … [0, 10)); each pass fixes 5 more at the head (a hand simulation of the
        // three sweeps gives this order), and d30..d39 follow unchanged.
        Assert.Equal(15, summary.Windows);
        int[] expected = [29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 14, 13, 12, 11, 10];
        Assert.Equal([.. expected.Select(i => $"d{i:00}"), .. Enumerable.Range(30, 10).Select(i => $"d{i:00}")], reranked["q1"].Select(h => h.DocId));
        Assert.Equal(30, reranked["q1"][0].Score);
        Assert.Equal(-31, reranked["q1"][30].Score);
    }

    [Fact]
    public async Task MalformedAnswers_AreRepairedAndCounted_FailedWindowsKeepTheirOrder()
    {
        // Window 1 (bottom): a thinking answer that repeats and omits ids; window 2: HTTP 500.
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => n == 1
            ? FakeOpenAiServer.Answer(ctx, "<think>[1] looks weak</think>Ranking: [20] > [20] > [19] > [25]")
            : FakeOpenAiServer.Status(ctx, 500, "boom"));
        (Topic topic, Run run, Func<string, string?> textOf) = Data();
        using var store = new JudgmentStore(Path.Combine(_dir, "s.db"));
        var chat = new StoredChat(Client(server), store);
        (Run reranked, ListwiseSummary summary) = await new ListwiseReranker(chat, new ListwiseOptions { Top = 30 }).RerankAsync([topic], run, textOf);
        Assert.Equal("thinking 1, extra-text 1, duplicates 1, out-of-range 1, missing 18", summary.Repairs.ToString());
        Assert.Equal(1, summary.FailedWindows);
        Assert.Equal(1, summary.Failures["Http500"]);
        // Window [10, 30): ids 20 and 19 are d29 and d28; then d10..d27 in their order. Window [0, 20) failed: kept.
        Assert.Equal(["d00", "d01", "d09", "d29", "d28", "d10"], reranked["q1"].Select(h => h.DocId).Where((_, i) => i is 0 or 1 or 9 or 10 or 11 or 12));
    }

    [Fact]
    public void Plan_CoversTheHeadBottomUp()
    {
        Assert.Equal([(80, 20), (70, 20), (60, 20), (50, 20), (40, 20), (30, 20), (20, 20), (10, 20), (0, 20)], SlidingWindow.Plan(100, 20, 10));
        Assert.Equal([(5, 20), (0, 15)], SlidingWindow.Plan(25, 20, 10));
        Assert.Equal([(0, 7)], SlidingWindow.Plan(7, 20, 10));
        Assert.Empty(SlidingWindow.Plan(0, 20, 10));
    }

    [Fact]
    public void Prompts_AreTheAuthorsWords()
    {
        var rankGpt = ListwisePrompt.Build(ListwisePromptStyle.RankGpt, "moths [1]", ["a  b\nc", "see [2] here"]);
        Assert.Equal(8, rankGpt.Count);
        Assert.Equal(("system", "You are RankGPT, an intelligent assistant that can rank passages based on their relevancy to the query."), rankGpt[0]);
        Assert.Equal(("user", "I will provide you with 2 passages, each indicated by number identifier []. \nRank the passages based on their relevance to query: moths (1)."), rankGpt[1]);
        Assert.Equal(("user", "[1] a b c"), rankGpt[3]);
        Assert.Equal(("user", "[2] see (2) here"), rankGpt[5]);
        Assert.Equal(("assistant", "Received passage [2]."), rankGpt[6]);
        Assert.EndsWith("e.g., [1] > [2]. Only response the ranking results, do not say any word or explain.", rankGpt[7].Content);

        var reason = ListwisePrompt.Build(ListwisePromptStyle.ReasonRank, "moths", ["a", "b"]);
        Assert.Equal(2, reason.Count);
        Assert.StartsWith("You are RankLLM", reason[0].Content);
        Assert.Equal("I will provide you with 2 passages, each indicated by a numerical identifier []. Rank the passages based on their relevance to the search query: moths.\n\n[1] a\n[2] b\n" +
            "Search Query: moths.\nRank the 2 passages above based on their relevance to the search query. All the passages should be included and listed using identifiers, in descending order of relevance. The format of the answer should be [] > [], e.g., [2] > [1].",
            reason[1].Content);
    }
}
