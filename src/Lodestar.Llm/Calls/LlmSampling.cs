namespace Lodestar.Llm.Calls;

/// <summary>Sampling settings of a generic LLM call; every field takes part in the call's store key.</summary>
public sealed record LlmSampling
{
    /// <summary>Sampling temperature; null leaves the backend's default.</summary>
    public double? Temperature { get; init; }

    /// <summary>Nucleus sampling; null leaves the backend's default.</summary>
    public double? TopP { get; init; }

    /// <summary>Top-k sampling; null leaves the backend's default.</summary>
    public int? TopK { get; init; }

    /// <summary>Maximum new tokens; null leaves the backend's default.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Stop sequences.</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Seed of answer 0; answer i of a key is drawn with a request seeded <c>Seed + i</c> (a request for
    /// n answers takes the seed of its first).</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Passed to the chat template, such as <c>{"enable_thinking": false}</c> for Qwen3.</summary>
    public IReadOnlyDictionary<string, object>? ChatTemplateKwargs { get; init; }
}
