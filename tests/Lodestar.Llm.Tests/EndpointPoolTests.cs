using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Model;
using Lodestar.Rerank.RetroStar;
using Lodestar.Llm.Tests.Rerank;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Search;

namespace Lodestar.Llm.Tests;

/// <summary>
/// Several endpoints behind one <see cref="EndpointPool"/>, real HTTP on 127.0.0.1: load spread by least outstanding
/// requests, an endpoint stopped mid-run taken out with every pair still scored, and brought back by a probe once
/// it answers again.
/// </summary>
public sealed class EndpointPoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-pool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static OpenAiClient Client(FakeOpenAiServer server, int inFlight = 4) => new(new EndpointOptions
    {
        BaseUrl = server.Url, Model = "m", MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(5), MaxInFlight = inFlight, ConnectTimeout = TimeSpan.FromSeconds(2),
    });

    private static (List<Topic> Topics, Run Run) Data(string prefix, int topics, int depth)
    {
        var run = new Run("bm25");
        var list = new List<Topic>();
        for (int t = 0; t < topics; t++)
        {
            list.Add(new Topic($"{prefix}{t}", ScoreDistributionServer.TopicText($"{prefix}{t}")));
            run.Set($"{prefix}{t}", [.. Enumerable.Range(0, depth).Select(i => new Hit($"d{i}", depth - i))]);
        }

        return (list, run);
    }

    private static Task Score(HttpContext ctx, string body) => FakeOpenAiServer.Answer(ctx,
        $"<score>{body.Length % 100}</score>");

    [Fact]
    public async Task LeastOutstanding_SendsMoreToTheFasterEndpoint()
    {
        await using var slow = await FakeOpenAiServer.StartAsync(async (ctx, _, body) => { await Task.Delay(100); await Score(ctx, body); });
        await using var fast = await FakeOpenAiServer.StartAsync((ctx, _, body) => Score(ctx, body));
        using EndpointPool pool = EndpointPool.ForServers([Client(slow), Client(fast)]);
        Assert.Equal(8, pool.Endpoint.MaxInFlight);
        Assert.Equal($"{slow.Url},{fast.Url}", pool.Endpoint.Endpoint);
        using var store = new JudgmentStore(Path.Combine(_dir, "spread.db"));
        (List<Topic> topics, Run run) = Data("q", 4, 50);
        (_, RerankSummary s) = await new RetroStarReranker(pool, store, new RerankOptions { Top = 50 }).RerankAsync(topics, run, ScoreDistributionServer.DocText);
        IReadOnlyList<EndpointStats> stats = pool.Stats();
        Assert.Equal(200, s.Requested);
        Assert.Equal(0, s.Unscored);
        Assert.Equal(200, slow.Requests + fast.Requests);
        Assert.Equal([slow.Requests, fast.Requests], stats.Select(x => (int)x.Requests));
        // the slow endpoint holds its requests 100 ms, so the fast one gets the rest
        Assert.True(fast.Requests > 2 * slow.Requests, $"slow {slow.Requests}, fast {fast.Requests}");
        Assert.True(slow.Requests > 0);
        Assert.All(stats, x => Assert.Equal((0, 0, false), (x.Failures, x.Ejections, x.Out)));
    }

    [Fact]
    public async Task AnEndpointStoppedMidRun_IsTakenOut_EveryPairScored_AndAProbeBringsItBack()
    {
        FakeOpenAiServer? c = null;
        int stopAt = 15;
        await using var a = await FakeOpenAiServer.StartAsync(async (ctx, _, body) => { await Task.Delay(2); await Score(ctx, body); });
        await using var b = await FakeOpenAiServer.StartAsync(async (ctx, _, body) => { await Task.Delay(2); await Score(ctx, body); });
        c = await FakeOpenAiServer.StartAsync(async (ctx, n, body) =>
        {
            await Task.Delay(2);
            if (n > stopAt)
            {
                await FakeOpenAiServer.Drop(ctx); // in flight while it stops
                return;
            }

            await Score(ctx, body);
            if (n == stopAt)
            {
                _ = Task.Run(async () => await c!.DisposeAsync()); // stops while the run goes on: refused connections from now on
            }
        });
        int port = c.Url.Port;
        using EndpointPool pool = EndpointPool.ForServers([Client(a), Client(b), Client(c)]);
        pool.ProbeInterval = TimeSpan.FromMilliseconds(300);
        using var store = new JudgmentStore(Path.Combine(_dir, "failover.db"));
        var options = new RerankOptions { Top = 40 };

        // 1. c stops after its 15th answer: its later requests fail, are resent to a and b, and c is taken out
        (List<Topic> topics, Run run) = Data("q", 5, 40);
        (_, RerankSummary first) = await new RetroStarReranker(pool, store, options).RerankAsync(topics, run, ScoreDistributionServer.DocText);
        EndpointStats cOut = pool.Stats()[2];
        Assert.Equal(200, first.Requested);
        Assert.Equal(0, first.Unscored);
        Assert.Empty(first.Failures);
        Assert.Equal(200, a.Requests + b.Requests + stopAt);
        Assert.True(cOut.Out);
        Assert.Equal(1, cOut.Ejections);
        Assert.True(cOut.Failures >= 1);
        Assert.Equal(stopAt + cOut.Failures, cOut.Requests);
        Assert.True(a.Requests > 40 && b.Requests > 40, $"a {a.Requests}, b {b.Requests}");

        // 2. c comes back at its address; after the probe interval a probe of /v1/models re-admits it and it gets work again
        await using FakeOpenAiServer back = await FakeOpenAiServer.StartAsync((ctx, _, body) => Score(ctx, body), port: port);
        await Task.Delay(pool.ProbeInterval + TimeSpan.FromMilliseconds(200));
        (topics, run) = Data("r", 5, 40);
        (_, RerankSummary second) = await new RetroStarReranker(pool, store, options).RerankAsync(topics, run, ScoreDistributionServer.DocText);
        EndpointStats cBack = pool.Stats()[2];
        Assert.Equal(200, second.Requested);
        Assert.Equal(0, second.Unscored);
        Assert.False(cBack.Out);
        Assert.Equal((1, 1), (cBack.Ejections, cBack.Readmissions));
        Assert.True(back.Requests > 20, $"c answered {back.Requests} after its return");
        Assert.Equal(400, a.Requests + b.Requests + stopAt + back.Requests);
    }

    [Fact]
    public async Task EveryEndpointDown_FailsTheRequest_InsteadOfHanging()
    {
        FakeOpenAiServer a = await FakeOpenAiServer.StartAsync((ctx, _, body) => Score(ctx, body));
        FakeOpenAiServer b = await FakeOpenAiServer.StartAsync((ctx, _, body) => Score(ctx, body));
        using EndpointPool pool = EndpointPool.ForServers([Client(a), Client(b)]);
        await a.DisposeAsync();
        await b.DisposeAsync();
        var e = await Assert.ThrowsAsync<LlmException>(() => pool.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));
        Assert.Equal(LlmFailure.Connection, e.Kind);
        Assert.All(pool.Stats(), s => Assert.Equal((1L, 1L, 1, true), (s.Requests, s.Failures, s.Ejections, s.Out)));
    }

    [Fact]
    public async Task AClientError_IsTheRequests_NotTheEndpoints()
    {
        await using var a = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Status(ctx, 400, "bad request"));
        await using var b = await FakeOpenAiServer.StartAsync((ctx, _, body) => Score(ctx, body));
        using EndpointPool pool = EndpointPool.ForServers([Client(a), Client(b)]);
        int failed = 0;
        for (int i = 0; i < 6; i++)
        {
            try
            {
                await pool.GetResponseAsync([new ChatMessage(ChatRole.User, $"hi {i}")]);
            }
            catch (LlmException e) when (e.Status == 400)
            {
                failed++;
            }
        }

        Assert.Equal(a.Requests, failed);
        Assert.True(failed > 0);
        Assert.All(pool.Stats(), s => Assert.Equal((0, false), (s.Ejections, s.Out)));
    }

    [Fact]
    public async Task Cli_TwoEndpoints_WithAdaptiveK_ReportsEachEndpoint()
    {
        await using var a = await FakeOpenAiServer.StartAsync((ctx, _, body) => Score(ctx, body));
        await using var b = await FakeOpenAiServer.StartAsync((ctx, _, body) => Score(ctx, body));
        string index = Path.Combine(_dir, "index");
        IndexWriter.Build(Path.Combine(Repo.Root, "data/cranfield/corpus.jsonl.gz"), index, new IndexBuildOptions());
        List<Topic> topics = [.. TopicReader.Read(Path.Combine(Repo.Root, "data/cranfield/queries.jsonl")).Take(3)];
        string topicsFile = Path.Combine(_dir, "topics.tsv");
        File.WriteAllLines(topicsFile, topics.Select(t => $"{t.Id}\t{t.Text}"));
        string run = Path.Combine(_dir, "bm25.txt");
        using (IndexReader reader = IndexReader.Open(index))
        {
            TrecRunFormat.Write(run, new Searcher(reader, new Bm25Parameters()).Search(topics, 10));
        }

        string output = Path.Combine(_dir, "out.txt");
        string[] args = ["rerank", "--index", index, "--topics", topicsFile, "--run", run, "--endpoint", a.Url.ToString(), "--endpoint", b.Url.ToString(),
            "--model", "m", "--in-flight", "2", "--top", "10", "--adaptive", "--samples", "8", "-o", output];
        (int code, _, string err) = Repo.Cli(args);
        Assert.True(code == 0, err);
        Assert.Contains("2 endpoints, 4 requests in flight in all", err);
        Assert.Contains($"endpoint {a.Url}: {a.Requests} requests, 0 failed, 0 ejections, 0 re-admissions", err);
        Assert.Contains($"endpoint {b.Url}: {b.Requests} requests, 0 failed, 0 ejections, 0 re-admissions", err);
        Assert.True(a.Requests > 0 && b.Requests > 0, err);
        Assert.Contains("adaptive K (min 2, cap 8): ", err);
        Assert.Equal(30, TrecRunFormat.Read(output).TopicIds.Sum(t => TrecRunFormat.Read(output)[t].Count));

        // the same command again: everything from the store, nothing sent, the same run
        string before = File.ReadAllText(output);
        int sent = a.Requests + b.Requests;
        (code, _, err) = Repo.Cli(args);
        Assert.True(code == 0, err);
        Assert.Equal(sent, a.Requests + b.Requests);
        Assert.Equal(before, File.ReadAllText(output));
    }
}
