using System.Diagnostics;
using System.Globalization;

namespace Lodestar.LoadTest;

/// <summary>Latencies of one load level: p50, p99, throughput.</summary>
internal sealed record LoadResult(int Clients, int Completed, int Errors, double Seconds, double P50Ms, double P99Ms)
{
    public double Qps => Completed / Seconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"clients {Clients,3}: {Completed,7:N0} requests in {Seconds,6:F2} s = {Qps,8:N0} req/s, p50 {P50Ms,7:F3} ms, p99 {P99Ms,7:F3} ms, errors {Errors}");
}

/// <summary>Runs <c>clients</c> loops until <c>requests</c> have completed or <c>duration</c> has passed, whichever is first.</summary>
internal static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(int clients, int requests, TimeSpan duration, Func<int, Task<bool>> send)
    {
        var latencies = new long[requests];
        int issued = -1, completed = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        async Task Loop()
        {
            int i;
            while ((i = Interlocked.Increment(ref issued)) < requests && clock.Elapsed < duration)
            {
                long start = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await send(i).ConfigureAwait(false);
                }
                catch (HttpRequestException)
                {
                    ok = false;
                }

                latencies[i] = Stopwatch.GetTimestamp() - start;
                Interlocked.Increment(ref completed);
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Loop))).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        long[] done = [.. latencies.Where(t => t > 0).Order()];
        double Ms(double q) => done.Length == 0 ? double.NaN : done[Math.Min(done.Length - 1, (int)(q * done.Length))] * 1000.0 / Stopwatch.Frequency;
        return new LoadResult(clients, completed, errors, seconds, Ms(0.50), Ms(0.99));
    }

    public static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    public static HttpClient Client(Uri url, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
    })
    { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
}
