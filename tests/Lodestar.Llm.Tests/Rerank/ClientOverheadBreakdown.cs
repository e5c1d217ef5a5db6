using System.Diagnostics;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Xunit.Abstractions;

namespace Lodestar.Llm.Tests.Rerank;

/// <summary>
/// Where the client's time per call goes (issue 14's overhead item): the judgment store's operations of one Retro*
/// call, alone and single-threaded, and HTTP round trips to an instant in-process server at 32 in flight. Prints
/// wall and process CPU time per operation; nothing is asserted but the counts (a profile, not a gate).
/// </summary>
public sealed class ClientOverheadBreakdown(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-breakdown-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Report(string what, int n, Stopwatch wall, TimeSpan cpu) =>
        output.WriteLine($"{what}: {wall.Elapsed.TotalMicroseconds / n:F1} µs wall, {cpu.TotalMicroseconds / n:F1} µs CPU per call ({n} calls)");

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    [Fact]
    [Trait("Category", "Benchmark")]
    public async Task Breakdown_StoreOperations_And_HttpRoundTrips()
    {
        const int N = 2000;
        using var store = new JudgmentStore(Path.Combine(_dir, "b.db"));
        Judgment Sample(int i) => new($"key{i}", 0, "q", $"d{i}", "m", "http://x", "sha", "{}", 42, "<score>50</score>", 50, "Parsed", false, 100, 20, 1.0);

        var wall = Stopwatch.StartNew();
        TimeSpan cpu = Cpu();
        for (int i = 0; i < N; i++)
        {
            store.Get($"key{i}");
        }

        Report("store.Get (absent key)", N, wall, Cpu() - cpu);
        (wall, cpu) = (Stopwatch.StartNew(), Cpu());
        for (int i = 0; i < N; i++)
        {
            store.TryClaim($"key{i}");
        }

        Report("store.TryClaim", N, wall, Cpu() - cpu);
        (wall, cpu) = (Stopwatch.StartNew(), Cpu());
        for (int i = 0; i < N; i++)
        {
            store.Add([Sample(i)]);
        }

        Report("store.Add (one sample, one transaction)", N, wall, Cpu() - cpu);
        (wall, cpu) = (Stopwatch.StartNew(), Cpu());
        for (int i = 0; i < N; i++)
        {
            store.Release($"key{i}");
        }

        Report("store.Release", N, wall, Cpu() - cpu);
        (wall, cpu) = (Stopwatch.StartNew(), Cpu());
        for (int i = 0; i < N; i++)
        {
            store.Get($"key{i}");
        }

        Report("store.Get (one sample)", N, wall, Cpu() - cpu);
        Assert.Equal(N, store.Stats().Samples);

        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "<score>50</score>"));
        using var client = new OpenAiClient(new EndpointOptions { BaseUrl = server.Url, Model = "m", MaxRetries = 0, MaxInFlight = 32 });
        var request = new ChatRequest { Messages = [("user", new string('x', 2000))], Seed = 1, Temperature = 0.6, TopK = 40 };
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => client.CompleteAsync(request))); // warm
        (wall, cpu) = (Stopwatch.StartNew(), Cpu());
        await Parallel.ForEachAsync(Enumerable.Range(0, N), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, ct) => await client.CompleteAsync(request, ct));
        Report("HTTP round trip, client and in-process server (32 in flight)", N, wall, Cpu() - cpu);
        Assert.Equal(N + 64, server.Requests);
    }
}
