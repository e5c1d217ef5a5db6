namespace Lodestar.Rerank.RetroStar;

/// <summary>Settings of a Retro* rerank; the sampling defaults are the authors' (temperature 0.6, top_k 40, seed 42).</summary>
public sealed record RerankOptions
{
    /// <summary>How "relevant" is defined for this collection.</summary>
    public RelevanceDefinition Definition { get; init; } = RelevanceDefinition.Default;

    /// <summary>First-stage hits reranked per topic (excluded ids never take a slot).</summary>
    public int Top { get; init; } = 100;

    /// <summary>K, samples per pair.</summary>
    public int Samples { get; init; } = 1;

    /// <summary>Sampling temperature.</summary>
    public double Temperature { get; init; } = 0.6;

    /// <summary>Nucleus sampling.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Top-k sampling.</summary>
    public int TopK { get; init; } = 40;

    /// <summary>Maximum new tokens.</summary>
    public int MaxTokens { get; init; } = 4096;

    /// <summary>Seed of sample 0; sample i of a pair is drawn with seed + i (requests of n samples take the first seed).</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Qwen3-style thinking, passed as <c>chat_template_kwargs.enable_thinking</c> (off, as the authors run it).</summary>
    public bool EnableThinking { get; init; }

    /// <summary>Character budget of a prompt: the document is cut first, then the query.</summary>
    public int MaxPromptChars { get; init; } = 100_000;

    /// <summary>Token budget of a prompt (context − max new tokens − 128, as the authors size it); 0 = none. Counted
    /// with the server's <c>/tokenize</c>; a server without one falls back to 4 characters a token.</summary>
    public int MaxPromptTokens { get; init; }

    /// <summary>How samples combine.</summary>
    public Integration Integration { get; init; } = Integration.Mean;

    /// <summary>What an unparseable sample counts as.</summary>
    public FailureRule OnFailure { get; init; } = FailureRule.Skip;

    /// <summary>Extra samples a pair may draw to replace unparseable ones (0 = none): the pair integrates its first
    /// K parsed samples. Every sample, unparseable ones included, stays in the store and in the counts.</summary>
    public int Resample { get; init; }

    /// <summary>Requests that may fail for good (after their retries) before the rerank stops with a
    /// <see cref="RerankAbortedException"/>; null = 5% of the pairs, at least 10.</summary>
    public int? MaxFailures { get; init; }

    /// <summary>Adaptive K: draw samples for a pair until its place among its neighbours is settled, from
    /// <see cref="AdaptiveK.Min"/> up to <see cref="AdaptiveK.Cap"/> (null = fixed K, <see cref="Samples"/>). A cascade
    /// stage takes its K as the cap.</summary>
    public AdaptiveK? Adaptive { get; init; }

    /// <summary>W of <c>--fuse first-stage=W</c>: final = (1 − W)·score/100 + W·minmax(first-stage score) per topic.</summary>
    public double FirstStageWeight { get; init; }
}

/// <summary>What a rerank did.</summary>
/// <param name="Topics">Topics reranked.</param>
/// <param name="Pairs">(topic, document) pairs scored.</param>
/// <param name="Requested">Samples asked of the model in this run.</param>
/// <param name="Reused">Samples found in the judgment store.</param>
/// <param name="Unparseable">Samples with no score tag (kept with their raw text, never a score).</param>
/// <param name="Clamped">Samples above 100, clamped.</param>
/// <param name="Truncated">Prompts whose document or query was cut.</param>
/// <param name="Failures">Requests that failed after their retries, by kind.</param>
/// <param name="Unscored">Pairs left without a score, which keep their first-stage order.</param>
/// <param name="TokensIn">Prompt tokens of this run's requests.</param>
/// <param name="TokensOut">Generated tokens of this run's requests.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record RerankSummary(int Topics, int Pairs, long Requested, long Reused, long Unparseable, long Clamped, long Truncated,
    IReadOnlyDictionary<string, int> Failures, int Unscored, long TokensIn, long TokensOut, double Seconds)
{
    /// <summary>Pairs per second.</summary>
    public double PairsPerSecond => Pairs / Math.Max(Seconds, 1e-9);

    /// <summary>Samples whose tokens-out count is an estimate: the server reported none for them (llama-server gives
    /// only the first of <c>n</c> choices' usage; vLLM and SGLang one total), so <see cref="TokensOut"/> includes an
    /// apportioned share for them.</summary>
    public long EstimatedTokenSamples { get; init; }
    /// <summary>Attempts retried by the client, by kind (<c>HTTP 500</c>, <c>HTTP 429</c>, <c>timeout</c>,
    /// <c>dropped connection</c>, <c>unparseable response</c>); empty for a client that does not retry.</summary>
    public IReadOnlyDictionary<string, int> Retries { get; init; } = new Dictionary<string, int>();

    /// <summary>Seconds spent waiting before retries.</summary>
    public double RetrySeconds { get; init; }

    /// <summary>What adaptive K did (null for fixed K).</summary>
    public AdaptiveReport? Adaptive { get; init; }

    /// <summary>Keys whose claim by another process had expired and were taken over (see <see cref="Lodestar.Llm.Judgments.JudgmentStore.TryClaim"/>).</summary>
    public int ClaimsTakenOver { get; init; }
}
