using System.Collections.Concurrent;

namespace Lodestar.Llm.Client;

/// <summary>
/// The retries a client made, by kind (<c>HTTP 500</c>, <c>HTTP 429</c>, <c>timeout</c>, <c>dropped connection</c>,
/// <c>unparseable response</c>), and the time spent waiting before them; thread-safe, cumulative.
/// </summary>
public sealed class RetryLog
{
    private readonly ConcurrentDictionary<string, int> _byKind = new(StringComparer.Ordinal);
    private long _waitTicks;
    private readonly IReadOnlyList<RetryLog> _parts = [];

    /// <summary>An empty log.</summary>
    public RetryLog()
    {
    }

    /// <summary>A log whose snapshots add up <paramref name="parts"/> (the clients of an <see cref="EndpointPool"/>).</summary>
    public RetryLog(IReadOnlyList<RetryLog> parts) => _parts = parts;

    /// <summary>Records one retry of a failure of <paramref name="kind"/> after waiting <paramref name="delay"/>.</summary>
    public void Add(string kind, TimeSpan delay)
    {
        _byKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Interlocked.Add(ref _waitTicks, delay.Ticks);
    }

    /// <summary>Retries so far by kind, and the total wait before them.</summary>
    public (Dictionary<string, int> ByKind, TimeSpan Waited) Snapshot()
    {
        var byKind = new Dictionary<string, int>(_byKind, StringComparer.Ordinal);
        TimeSpan waited = TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks));
        foreach (RetryLog part in _parts)
        {
            (Dictionary<string, int> kinds, TimeSpan w) = part.Snapshot();
            foreach ((string kind, int n) in kinds)
            {
                byKind[kind] = byKind.GetValueOrDefault(kind) + n;
            }

            waited += w;
        }

        return (byKind, waited);
    }

    /// <summary>The retries between two snapshots.</summary>
    public static (Dictionary<string, int> ByKind, TimeSpan Waited) Since((Dictionary<string, int> ByKind, TimeSpan Waited) before,
        (Dictionary<string, int> ByKind, TimeSpan Waited) now) =>
        (now.ByKind.Select(kv => (kv.Key, N: kv.Value - before.ByKind.GetValueOrDefault(kv.Key))).Where(x => x.N > 0).ToDictionary(x => x.Key, x => x.N, StringComparer.Ordinal),
            now.Waited - before.Waited);

    /// <summary>The kind a failure is counted under.</summary>
    public static string KindOf(LlmException e) => e.Kind switch
    {
        LlmFailure.Http => $"HTTP {e.Status}",
        LlmFailure.Timeout => "timeout",
        LlmFailure.Connection => "dropped connection",
        LlmFailure.Malformed => "unparseable response",
        _ => e.Kind.ToString().ToLowerInvariant(),
    };
}
