using BenchmarkDotNet.Attributes;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Lodestar.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lodestar.Benchmarks.Llm;

/// <summary>
/// Client-side throughput of a Retro* rerank: 2,000 pairs (40 Cranfield topics × top 50), K = 1, against an
/// OpenAI-compatible server on 127.0.0.1 that answers at once; every sample parsed and committed to a fresh SQLite
/// judgment store. The figure is scored samples per second; the server and the client share the 2 cores.
/// </summary>
[MemoryDiagnoser]
public class RerankThroughputBenchmarks
{
    private WebApplication? _server;
    private IndexReader? _index;
    private List<Topic> _topics = [];
    private Run _run = new();
    private string _dir = "";

    [Params(16, 64)]
    public int InFlight { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lodestar-bench-rerank-" + Guid.NewGuid().ToString("N")[..8]);
        IndexWriter.Build(BenchData.CorpusPath, Path.Combine(_dir, "index"), new IndexBuildOptions());
        _index = IndexReader.Open(Path.Combine(_dir, "index"));
        _topics = [.. TopicReader.Read(BenchData.QueriesPath).Take(40)];
        _run = new Searcher(_index, new Bm25Parameters()).Search(_topics, 50);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapPost("/v1/chat/completions", () => Results.Json(new
        {
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "Relevant. <score>73</score>" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 900, completion_tokens = 400 },
        }));
        _server.StartAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server!.StopAsync().GetAwaiter().GetResult();
        _index!.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    [Benchmark]
    public int Rerank2000Pairs()
    {
        string storePath = Path.Combine(_dir, $"store-{Guid.NewGuid():N}.db");
        using var client = new OpenAiClient(new EndpointOptions { BaseUrl = new Uri(_server!.Urls.First()), Model = "m", MaxInFlight = InFlight });
        using var store = new JudgmentStore(storePath);
        (Run run, RerankSummary summary) = new RetroStarReranker(client, store, new RerankOptions { Top = 50 })
            .RerankAsync(_topics, _run, id => _index!.TryGetDoc(id, out int d) ? _index.GetText(d) : null).GetAwaiter().GetResult();
        return summary.Pairs + run.Count;
    }
}
