using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Lodestar.Index;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Synthesis;
using Lodestar.Synthesis.Answers;
using Lodestar.Synthesis.Data;
using Lodestar.Synthesis.Mcts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lodestar.Benchmarks.Synthesis;

/// <summary>
/// The client side of <c>synth mcts</c> per LLM call: 8 problems × 16 rollouts (depth ≤ 6, top-5 retrieval, every
/// document reflected on) against an OpenAI-compatible server on 127.0.0.1 that answers at once, every answer
/// committed to a fresh SQLite store, BM25 over the Cranfield benchmark index. Calls per second = calls per operation
/// (printed at cleanup) / mean time; the server and the client share the machine's cores.
/// </summary>
[MemoryDiagnoser]
public class MctsOverheadBenchmarks
{
    private WebApplication? _server;
    private IndexReader? _index;
    private string _dir = "";
    private int _op;
    private long _calls;
    private TimeSpan _cpu;

    /// <summary>Problems searched at once (one operation searches this many problems).</summary>
    [Params(8, 32)]
    public int Problems { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lodestar-bench-mcts-" + Guid.NewGuid().ToString("N")[..8]);
        IndexWriter.Build(BenchData.CorpusPath, Path.Combine(_dir, "index"), new IndexBuildOptions());
        _index = IndexReader.Open(Path.Combine(_dir, "index"));
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapPost("/v1/chat/completions", async (HttpContext ctx) =>
        {
            using JsonDocument body = await JsonDocument.ParseAsync(ctx.Request.Body);
            JsonElement messages = body.RootElement.GetProperty("messages");
            string user = messages[messages.GetArrayLength() - 1].GetProperty("content").GetString()!;
            int n = body.RootElement.TryGetProperty("n", out JsonElement nn) ? nn.GetInt32() : 1;
            long seed = body.RootElement.GetProperty("seed").GetInt64();
            // Answers vary with the seed so that trees branch: thoughts sometimes finish, half the documents are relevant.
            string text = user.EndsWith(MctsPrompts.ThoughtInstruction, StringComparison.Ordinal) ? (seed % 5 == 0 ? "Step: so \\boxed{1}" : $"Step: step {seed % 97}")
                : user.EndsWith(MctsPrompts.QueryInstruction, StringComparison.Ordinal) ? $"Query: boundary layer pressure mach {seed % 13}"
                : user.EndsWith(MctsPrompts.ReflectInstruction, StringComparison.Ordinal) ? (seed % 2 == 0 ? "Relevant: yes\nReason: it helps." : "Relevant: no\nReason: off topic.")
                : seed % 3 == 0 ? "\\boxed{1}" : "\\boxed{2}";
            await ctx.Response.WriteAsJsonAsync(new
            {
                choices = Enumerable.Range(0, n).Select(i => new { index = i, message = new { role = "assistant", content = text }, finish_reason = "stop" }),
                usage = new { prompt_tokens = 900, completion_tokens = 100 * n },
            });
        });
        _server.StartAsync().GetAwaiter().GetResult();
    }

    [Benchmark]
    public long Search()
    {
        string storePath = Path.Combine(_dir, $"store-{_op++}.db");
        using var client = new OpenAiChatClient(new OpenAiClient(new EndpointOptions { BaseUrl = new Uri(_server!.Urls.First()), Model = "m", MaxInFlight = 64 }));
        using var store = new JudgmentStore(storePath);
        var chat = new SynthChat(new StoredChat(client, store), new LlmSampling { Temperature = 0.8, TopK = 40, TopP = 0.95, Seed = 42 });
        var search = new MctsSearch(chat, new Bm25DocumentRetriever(_index!), new MctsOptions());
        List<Problem> problems = [.. Enumerable.Range(0, Problems).Select(i =>
            new Problem($"b{i}", $"Problem {i}: what pressure acts on a flat plate at Mach {i + 2} in a boundary layer?", "1", AnswerType.Integer, null, null))];
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Parallel.ForEachAsync(problems, new ParallelOptions { MaxDegreeOfParallelism = Problems }, async (p, ct) => await search.SearchAsync(p, ct)).GetAwaiter().GetResult();
        _cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        _calls = chat.Calls;
        return chat.Calls;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// synth mcts: {Problems} problems, {_calls} calls per operation, last operation {_cpu.TotalMilliseconds / _calls:F3} ms CPU per call (client + in-process server)");
        _server?.StopAsync().GetAwaiter().GetResult();
        _index?.Dispose();
        Directory.Delete(_dir, true);
    }

    /// <summary>A quick measurement without BenchmarkDotNet: (calls, seconds) of one operation after one warm-up.</summary>
    public static (long Calls, double Seconds) Measure()
    {
        var b = new MctsOverheadBenchmarks { Problems = 8 };
        b.Setup();
        try
        {
            b.Search();
            var clock = Stopwatch.StartNew();
            long calls = b.Search();
            return (calls, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            b.Cleanup();
        }
    }
}
