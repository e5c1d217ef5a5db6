using System.Security.Cryptography;
using System.Text;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Lodestar.Search;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Llm.Tests;

/// <summary>Reranking Cranfield's BM25 top 100 against a scripted OpenAI-compatible server on 127.0.0.1.</summary>
public sealed class RetroStarRerankerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lodestar-rerank-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly IndexReader _index;
    private readonly List<Topic> _topics;
    private readonly Run _firstStage;

    public RetroStarRerankerTests()
    {
        string root = Repo.Root;

        Directory.CreateDirectory(_dir);
        IndexWriter.Build(Path.Combine(root, "data/cranfield/corpus.jsonl.gz"), Path.Combine(_dir, "index"), new IndexBuildOptions());
        _index = IndexReader.Open(Path.Combine(_dir, "index"));
        _topics = [.. TopicReader.Read(Path.Combine(root, "data/cranfield/queries.jsonl")).Take(50)];
        _firstStage = new Searcher(_index, new Bm25Parameters()).Search(_topics, 100);
    }

    /// <summary>The "model": a score that depends only on the prompt, so any two runs agree on every pair.</summary>
    private static int ScoreOf(string body) => SHA256.HashData(Encoding.UTF8.GetBytes(body.Replace("\"seed\"", "", StringComparison.Ordinal)))[0] * 100 / 255;

    private static string PromptOf(string body) => FakeOpenAiServer.Json(body).GetProperty("messages")[0].GetProperty("content").GetString()!;

    private (OpenAiClient Client, JudgmentStore Store) Open(FakeOpenAiServer server, string store, TimeSpan? timeout = null) => (new OpenAiClient(new EndpointOptions
    {
        BaseUrl = server.Url,
        Model = "retro-star",
        MaxRetries = 4,
        RetryDelay = TimeSpan.FromMilliseconds(2),
        RequestTimeout = timeout ?? TimeSpan.FromSeconds(60), // generous: under load a retried request would change the counts
        MaxInFlight = 32,
    }), new JudgmentStore(Path.Combine(_dir, store)));

    private Task<(Run Run, RerankSummary Summary)> Rerank(OpenAiClient client, JudgmentStore store) =>
        new RetroStarReranker(client, store, new RerankOptions { Definition = RelevanceDefinition.Default, Top = 100, Samples = 1 })
            .RerankAsync(_topics, _firstStage, id => _index.TryGetDoc(id, out int d) ? _index.GetText(d) : null);

    [Fact]
    public async Task Faults_AreCountedAndSucceededPairsEqualAFaultFreeRun()
    {
        await using var clean = await FakeOpenAiServer.StartAsync((ctx, _, body) =>
            FakeOpenAiServer.Answer(ctx, $"analysis <score>{ScoreOf(PromptOf(body))}</score>"));
        (OpenAiClient cleanClient, JudgmentStore cleanStore) = Open(clean, "clean.db");
        (Run reference, RerankSummary referenceSummary) = await Rerank(cleanClient, cleanStore);
        Assert.Equal(5000, referenceSummary.Pairs);
        Assert.Equal(0, referenceSummary.Unscored);

        int served500 = 0, hung = 0, unparseable = 0;
        var random = new Random(7);
        await using var faulty = await FakeOpenAiServer.StartAsync((ctx, _, body) =>
        {
            double roll;
            lock (random)
            {
                roll = random.NextDouble();
            }

            if (roll < 0.10)
            {
                Interlocked.Increment(ref served500);
                return FakeOpenAiServer.Status(ctx, 500, "internal error");
            }

            if (roll < 0.15)
            {
                Interlocked.Increment(ref hung);
                return FakeOpenAiServer.Hang(ctx);
            }

            if (roll < 0.20)
            {
                Interlocked.Increment(ref unparseable);
                return FakeOpenAiServer.Answer(ctx, "I think it is quite relevant, maybe 70.");
            }

            return FakeOpenAiServer.Answer(ctx, $"analysis <score>{ScoreOf(PromptOf(body))}</score>");
        });
        (OpenAiClient client, JudgmentStore store) = Open(faulty, "faulty.db", TimeSpan.FromMilliseconds(1500)); // hung requests time out
        (Run run, RerankSummary summary) = await Rerank(client, store);

        Assert.Equal(5000, summary.Pairs);
        Assert.True(served500 > 300 && hung > 150 && unparseable > 150, $"{served500} {hung} {unparseable}");
        // Every unparseable answer that reached the client is stored and counted (one the client had already given up
        // on, by timeout, cannot be), and never turned into a score.
        Assert.InRange(summary.Unparseable, unparseable * 9 / 10, unparseable);
        int failedPairs = summary.Failures.Values.Sum();
        Assert.Equal(summary.Unparseable + failedPairs, summary.Unscored);
        Assert.True(faulty.Requests >= served500 + hung + (int)summary.Requested);

        // Every pair that got a score has the fault-free run's score.
        var referenceScores = _topics.SelectMany(t => reference[t.Id].Where(h => h.Score >= 0).Select(h => ((t.Id, h.DocId), Math.Floor(h.Score)))).ToDictionary();
        int compared = 0;
        foreach (Topic t in _topics)
        {
            foreach (Hit h in run[t.Id].Where(h => h.Score >= 0))
            {
                Assert.Equal(referenceScores[(t.Id, h.DocId)], Math.Floor(h.Score));
                compared++;
            }
        }

        Assert.Equal(5000 - summary.Unscored, compared);
        cleanClient.Dispose();
        cleanStore.Dispose();
        client.Dispose();
        store.Dispose();
    }

    [Fact]
    public async Task Rerun_WithTheSameStore_AsksTheModelNothing()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, body) =>
            FakeOpenAiServer.Answer(ctx, $"<score>{ScoreOf(PromptOf(body))}</score>"));
        (OpenAiClient client, JudgmentStore store) = Open(server, "rerun.db");
        (Run first, RerankSummary s1) = await Rerank(client, store);
        int requests = server.Requests;
        (Run second, RerankSummary s2) = await Rerank(client, store);
        Assert.Equal(5000, requests);
        Assert.Equal(requests, server.Requests);
        Assert.Equal((5000L, 0L), (s1.Requested, s1.Reused));
        Assert.Equal((0L, 5000L), (s2.Requested, s2.Reused));
        Assert.All(_topics, t => Assert.Equal(first[t.Id], second[t.Id]));
        // Ties in the model's score fall back to first-stage rank.
        IReadOnlyList<Hit> hits = first[_topics[0].Id];
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score > p.Second.Score));
        client.Dispose();
        store.Dispose();
    }

    [Fact]
    public async Task Cascade_RescoresTheBestOfStageOneWithFreshSamples()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, body) =>
        {
            int n = FakeOpenAiServer.Json(body).GetProperty("n").GetInt32();
            int score = ScoreOf(PromptOf(body));
            return FakeOpenAiServer.Answer(ctx, [.. Enumerable.Range(0, n).Select(i => $"<score>{Math.Min(100, score + i)}</score>")]);
        });
        (OpenAiClient client, JudgmentStore store) = Open(server, "cascade.db");
        (Run run, List<RerankSummary> summaries) = await RetroStarReranker.CascadeAsync(new OpenAiChatClient(client), store, new RerankOptions(),
            [(100, 1), (30, 16)], _topics, _firstStage, id => _index.TryGetDoc(id, out int d) ? _index.GetText(d) : null);

        Assert.Equal([5000, 1500], summaries.Select(x => x.Pairs));
        Assert.Equal([5000L, 1500L * 16], summaries.Select(x => x.Requested));
        var ns = server.Bodies.Select(b => FakeOpenAiServer.Json(b).GetProperty("n").GetInt32()).ToList();
        Assert.Equal((5000, 1500), (ns.Count(n => n == 1), ns.Count(n => n == 16)));
        foreach (Topic t in _topics)
        {
            IReadOnlyList<Hit> hits = run[t.Id];
            Assert.Equal(100, hits.Count);
            Assert.All(hits.Take(30), h => Assert.True(h.Score >= 0)); // the stage-two window, rescored
            Assert.All(hits.Skip(30), h => Assert.True(h.Score < 0));  // the rest keeps stage one's order
        }

        client.Dispose();
        store.Dispose();
    }

    [Fact]
    public async Task Fuse_MixesTheFirstStageScore()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "<score>50</score>"));
        (OpenAiClient client, JudgmentStore store) = Open(server, "fuse.db");
        (Run run, _) = await new RetroStarReranker(client, store, new RerankOptions { Top = 10, FirstStageWeight = 0.5 })
            .RerankAsync(_topics[..1], _firstStage, id => _index.TryGetDoc(id, out int d) ? _index.GetText(d) : null);
        // Equal Retro* scores: the fused order is the first-stage order, and the best first-stage hit gets 0.5·0.5 + 0.5·1.
        IReadOnlyList<Hit> hits = run[_topics[0].Id];
        Assert.Equal(_firstStage[_topics[0].Id].Take(10).Select(h => h.DocId), hits.Take(10).Select(h => h.DocId));
        Assert.Equal(0.75, hits[0].Score, 4);
        client.Dispose();
        store.Dispose();
    }

    [Fact]
    public async Task Resample_ReplacesUnparseableAnswers_WithinTheBound()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, body) =>
        {
            string prompt = PromptOf(body);
            int n = seen.AddOrUpdate(prompt, 1, (_, c) => c + 1);
            // The first answer to every prompt is cut off; the second is fine.
            return n == 1 ? FakeOpenAiServer.AnswerWith(ctx, "length", "Step 1: the query") : FakeOpenAiServer.Answer(ctx, $"<score>{ScoreOf(prompt)}</score>");
        });
        (OpenAiClient client, JudgmentStore store) = Open(server, "resample.db");
        (Run run, RerankSummary summary) = await new RetroStarReranker(client, store, new RerankOptions { Top = 10, Resample = 2 })
            .RerankAsync(_topics[..5], _firstStage, id => _index.TryGetDoc(id, out int d) ? _index.GetText(d) : null);
        Assert.Equal((50, 50L, 0), (summary.Pairs, summary.Unparseable, summary.Unscored)); // counted, then replaced
        Assert.Equal(100, server.Requests);
        Assert.Equal(100L, summary.Requested);
        client.Dispose();
        store.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TokenBudget_CutsTheDocumentAndKeepsTheFrame(bool serverTokenizes)
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "<score>10</score>"), tokenize: serverTokenizes);
        (OpenAiClient client, JudgmentStore store) = Open(server, $"tokens-{serverTokenizes}.db");
        string longDoc = string.Join(' ', Enumerable.Range(0, 5000).Select(i => $"word{i}"));
        var topic = new Topic("t", "why are insects drawn to light");
        var run = new Run();
        run.Add("t", new Hit("d", 1));
        (Run _, RerankSummary summary) = await new RetroStarReranker(client, store, new RerankOptions { Top = 1, MaxPromptTokens = 800 })
            .RerankAsync([topic], run, _ => longDoc);
        string prompt = PromptOf(server.Bodies.Single());
        Assert.Equal(1, summary.Truncated);
        Assert.EndsWith("\n[End of Document]\n", prompt);
        Assert.Contains("why are insects drawn to light\n[End of Query]", prompt);
        if (serverTokenizes)
        {
            Assert.InRange(prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length, 600, 800);
        }
        else
        {
            Assert.Equal(800 * 4, prompt.Length); // the documented fallback: 4 characters a token
        }

        client.Dispose();
        store.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TokenBudget_BelowTheFrame_IsRefusedBeforeAnythingIsSent(bool serverTokenizes)
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "<score>10</score>"), tokenize: serverTokenizes);
        (OpenAiClient client, JudgmentStore store) = Open(server, $"frame-{serverTokenizes}.db");
        var topic = new Topic("t", "why are insects drawn to light");
        var run = new Run();
        run.Add("t", new Hit("d", 1));
        // The frame is a few hundred words: a budget of 50 tokens cannot hold it, whatever the document.
        var e = await Assert.ThrowsAsync<ArgumentException>(() => new RetroStarReranker(client, store, new RerankOptions { Top = 1, MaxPromptTokens = 50 })
            .RerankAsync([topic], run, _ => "a short document"));
        Assert.Contains("--max-prompt-tokens 50", e.Message);
        Assert.Contains("frame", e.Message);
        Assert.Matches(serverTokenizes ? @"frame of \d+ tokens" : @"frame of [\d,]+ characters", e.Message);
        Assert.Equal(0, server.Requests); // no chat request went out
        client.Dispose();
        store.Dispose();
    }

    public void Dispose()
    {
        _index.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }
}
