using System.Diagnostics;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Lodestar.Rerank.Listwise;
using Xunit.Abstractions;

namespace Lodestar.Llm.Tests.Rerank;

/// <summary>
/// Client overhead of listwise and Retro* reranking against an instant server (answers written at once, in-process
/// Kestrel on 127.0.0.1): LLM calls per second the client side can feed, store commits included. Not a speed test of
/// any model. The issue asks for 2,000 calls/s of capacity; measured on the shared 2-core machine (load average 73) it is
/// not met (listwise 164/s, Retro* 451/s; docs/reasoning.md), so the rates are printed, not asserted.
/// </summary>
public sealed class ClientOverheadBenchmark(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lodestar-overhead-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static OpenAiClient Client(FakeOpenAiServer server) => new(new EndpointOptions { BaseUrl = server.Url, Model = "m", MaxRetries = 0, MaxInFlight = 32 });

    private static (List<Topic> Topics, Run Run) Data(int topics, int depth)
    {
        var run = new Run("bm25");
        var list = new List<Topic>();
        for (int t = 0; t < topics; t++)
        {
            list.Add(new Topic($"q{t}", $"query {t} about moths and lamps"));
            run.Set($"q{t}", [.. Enumerable.Range(0, depth).Select(i => new Hit($"d{i}", depth - i))]);
        }

        return (list, run);
    }

    [Fact]
    [Trait("Category", "Benchmark")]
    public async Task Listwise_and_RetroStar_client_overhead_against_an_instant_server()
    {
        Directory.CreateDirectory(_dir);
        const string Ranking = "[2] > [1] > [3] > [4] > [5] > [6] > [7] > [8] > [9] > [10] > [11] > [12] > [13] > [14] > [15] > [16] > [17] > [18] > [19] > [20]";
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) =>
            FakeOpenAiServer.Answer(ctx, body.Contains("RankGPT", StringComparison.Ordinal) ? Ranking : "<score>50</score>"));
        Func<string, string?> textOf = id => $"document {id} on phototaxis, moths and artificial light at night";

        // Listwise: 200 topics × 9 windows (top 100, window 20, stride 10) = 1,800 calls.
        (List<Topic> topics, Run run) = Data(200, 100);
        using var listStore = new JudgmentStore(Path.Combine(_dir, "list.db"));
        using OpenAiClient listClient = Client(server);
        var chat = new StoredChat(new OpenAiChatClient(listClient), listStore);
        var clock = Stopwatch.StartNew();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        (_, ListwiseSummary listwise) = await new ListwiseReranker(chat, new ListwiseOptions { Concurrency = 32 }).RerankAsync(topics, run, textOf);
        double listwiseRate = listwise.Windows / clock.Elapsed.TotalSeconds;
        double listwiseCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / listwise.Windows;

        // Retro*: 20 topics × top 100 pairs, K = 1 = 2,000 calls.
        (topics, run) = Data(20, 100);
        using var retroStore = new JudgmentStore(Path.Combine(_dir, "retro.db"));
        using OpenAiClient retroClient = Client(server);
        clock.Restart();
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        (_, RerankSummary retro) = await new RetroStarReranker(retroClient, retroStore, new RerankOptions { Top = 100 }).RerankAsync(topics, run, textOf);
        double retroRate = retro.Requested / clock.Elapsed.TotalSeconds;
        double retroCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / retro.Requested;

        output.WriteLine($"listwise: {listwise.Windows} calls, {listwiseRate:N0} calls/s, {listwiseCpu:N0} µs CPU per call; " +
            $"Retro*: {retro.Requested} calls, {retroRate:N0} calls/s, {retroCpu:N0} µs CPU per call ({Environment.ProcessorCount} cores, server in-process: CPU is client and server together)");
        Assert.Equal(1800, listwise.Windows);
        Assert.Equal(2000, retro.Requested);
        Assert.Equal(0, listwise.FailedWindows);
    }
}
