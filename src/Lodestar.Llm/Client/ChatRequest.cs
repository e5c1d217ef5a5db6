namespace Lodestar.Llm.Client;

/// <summary>One chat completion request: the messages and the sampling parameters vLLM and SGLang accept.</summary>
public sealed record ChatRequest
{
    /// <summary>(role, content) pairs; role is <c>system</c>, <c>user</c> or <c>assistant</c>.</summary>
    public required IReadOnlyList<(string Role, string Content)> Messages { get; init; }

    /// <summary>Samples to draw (<c>n</c>).</summary>
    public int N { get; init; } = 1;

    /// <summary>Sampling temperature.</summary>
    public double? Temperature { get; init; }

    /// <summary>Nucleus sampling.</summary>
    public double? TopP { get; init; }

    /// <summary>Top-k sampling (an extension vLLM, SGLang and llama.cpp accept).</summary>
    public int? TopK { get; init; }

    /// <summary>Sampling seed.</summary>
    public long? Seed { get; init; }

    /// <summary>Maximum new tokens.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Stop sequences.</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Passed to the chat template, such as <c>{"enable_thinking": false}</c> for Qwen3.</summary>
    public IReadOnlyDictionary<string, object>? ChatTemplateKwargs { get; init; }
}

/// <summary>One sampled answer.</summary>
/// <param name="Text">The message content.</param>
/// <param name="FinishReason"><c>stop</c>, <c>length</c> (cut by max tokens), or what the server said.</param>
public sealed record ChatChoice(string Text, string? FinishReason)
{
    /// <summary>The seed the server drew this sample with: the request's seed plus the choice's index where the
    /// server is known to do that for <c>n</c> &gt; 1 (llama.cpp, vLLM), else the request's seed as sent.</summary>
    public long? Seed { get; init; }

    /// <summary>Tokens generated for this sample.</summary>
    public long Tokens { get; init; }

    /// <summary>Whether <see cref="Tokens"/> is an estimate: the server reported no count for this sample (only a
    /// total over the samples, or only the first sample's), so it was apportioned by characters.</summary>
    public bool TokensEstimated { get; init; }
}

/// <summary>A completed request.</summary>
/// <param name="Choices">The samples, in the server's order.</param>
/// <param name="PromptTokens">Tokens in, as the server counted them.</param>
/// <param name="CompletionTokens">Tokens out, over all choices (see <see cref="ChatChoice.TokensEstimated"/>).</param>
/// <param name="Attempts">Attempts made, retries included.</param>
/// <param name="Latency">Wall time of the successful attempt.</param>
public sealed record ChatResult(IReadOnlyList<ChatChoice> Choices, long PromptTokens, long CompletionTokens, int Attempts, TimeSpan Latency);
