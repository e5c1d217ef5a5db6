using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Judgments;

namespace Lodestar.Synthesis;

/// <summary>The model calls of a synthesis run: every call through the judgment store (<see cref="StoredChat"/>),
/// a token budget, and counts of unparseable outputs by kind.</summary>
/// <remarks>
/// Seeds are derived from what a call is for (<see cref="SeedOf"/>: problem id, node path, action), never from a
/// clock or a counter, so a rerun asks the store for exactly the keys the first run asked and gets the same answers.
/// </remarks>
public sealed class SynthChat
{
    private readonly ConcurrentDictionary<string, int> _unparseable = new(StringComparer.Ordinal);
    private long _calls;
    private long _tokensIn;
    private long _tokensOut;

    /// <summary>Wraps <paramref name="chat"/>; sampling applies to every policy call.</summary>
    public SynthChat(StoredChat chat, LlmSampling sampling, long budgetTokens = 0)
    {
        Chat = chat;
        Sampling = sampling;
        BudgetTokens = budgetTokens;
    }

    /// <summary>The stored chat every call goes through.</summary>
    public StoredChat Chat { get; }

    /// <summary>Policy sampling (temperature 0.8, top-k 40, top-p 0.95 in RaDeR); the seed is replaced per call.</summary>
    public LlmSampling Sampling { get; }

    /// <summary>Tokens (in + out) this run may spend on new requests; 0 = no limit. Answers from the store are free.</summary>
    public long BudgetTokens { get; }

    /// <summary>Calls answered so far (from the store or the backend).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Prompt tokens of every answer used (stored or new), so equal for a resumed and an uninterrupted run.</summary>
    public long DataTokensIn => Interlocked.Read(ref _tokensIn);

    /// <summary>Generated tokens of every answer used (stored or new).</summary>
    public long DataTokensOut => Interlocked.Read(ref _tokensOut);

    /// <summary>Tokens spent on new requests in this run.</summary>
    public long TokensSpent => Chat.Counters.TokensIn + Chat.Counters.TokensOut;

    /// <summary>Unparseable outputs by kind (<c>no_query</c>, <c>no_label</c>, <c>no_box</c>, …).</summary>
    public IReadOnlyDictionary<string, int> Unparseable => new SortedDictionary<string, int>(_unparseable, StringComparer.Ordinal);

    /// <summary>Counts one unparseable output of <paramref name="kind"/>.</summary>
    public void CountUnparseable(string kind) => _unparseable.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>The texts (thinking removed) of <paramref name="n"/> answers to one call seeded <paramref name="seed"/>.</summary>
    /// <exception cref="BudgetExhaustedException">The token budget is spent; nothing was asked.</exception>
    public async Task<IReadOnlyList<string>> AskAsync(string purpose, IReadOnlyList<(string Role, string Content)> messages, long seed, int n,
        CancellationToken ct, LlmSampling? sampling = null)
    {
        if (BudgetTokens > 0 && TokensSpent >= BudgetTokens)
        {
            throw new BudgetExhaustedException(BudgetTokens);
        }

        IReadOnlyList<LlmCall> calls = await Chat.AskAsync(purpose, messages, (sampling ?? Sampling) with { Seed = seed }, n, ct).ConfigureAwait(false);
        Interlocked.Add(ref _calls, 1);
        // A request for n answers records its prompt tokens with each; count them once.
        Interlocked.Add(ref _tokensIn, calls.Count == 0 ? 0 : calls[0].PromptTokens);
        Interlocked.Add(ref _tokensOut, calls.Sum(c => c.CompletionTokens));
        return [.. calls.Select(c => ThinkBlock.Answer(c.Text))];
    }

    /// <summary>A seed from the parts that name a call (problem id, node path, action): stable across runs and machines.</summary>
    public static long SeedOf(long baseSeed, params string[] parts)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts)));
        return baseSeed + (BitConverter.ToInt64(hash, 0) & 0x3FFF_FFFF);
    }
}

/// <summary>The run's token budget is spent: the work in progress stops cleanly and is resumed by a rerun.</summary>
public sealed class BudgetExhaustedException(long budget) : Exception($"the token budget of {budget:N0} is spent")
{
    /// <summary>The budget in tokens.</summary>
    public long Budget { get; } = budget;
}
