using System.Collections.Concurrent;

namespace Lodestar.Llm.Calls;

/// <summary>Thread-safe counts of what a <see cref="StoredChat"/> did: answers asked and reused, tokens, failures.</summary>
public sealed class StoredChatCounters
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private long _requests;
    private long _asked;
    private long _reused;
    private long _tokensIn;
    private long _tokensOut;

    /// <summary>Requests that succeeded.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Answers the backend produced in this run.</summary>
    public long Asked => Interlocked.Read(ref _asked);

    /// <summary>Answers found in the store instead of asked.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>Prompt tokens of this run's requests.</summary>
    public long TokensIn => Interlocked.Read(ref _tokensIn);

    /// <summary>Generated tokens of this run's requests.</summary>
    public long TokensOut => Interlocked.Read(ref _tokensOut);

    /// <summary>Requests that failed after their retries, by kind (<c>Http500</c>, <c>Timeout</c>, …).</summary>
    public IReadOnlyDictionary<string, int> Failures => new SortedDictionary<string, int>(_failures, StringComparer.Ordinal);

    /// <summary>All failed requests.</summary>
    public int FailureCount => _failures.Values.Sum();

    internal void AddReused(long n) => Interlocked.Add(ref _reused, n);

    internal void AddRequest(long answers, long tokensIn, long tokensOut)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _asked, answers);
        Interlocked.Add(ref _tokensIn, tokensIn);
        Interlocked.Add(ref _tokensOut, tokensOut);
    }

    internal void AddFailure(string kind) => _failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
}
