using Lodestar.Llm.Calls;

namespace Lodestar.Rerank.Listwise;

/// <summary>Settings of a listwise rerank; the defaults are RankGPT's (window 20, stride 10, one pass, temperature 0).</summary>
public sealed record ListwiseOptions
{
    /// <summary>First-stage hits reranked per topic (excluded ids never take a slot); the rest follow unchanged.</summary>
    public int Top { get; init; } = 100;

    /// <summary>Candidates per window.</summary>
    public int Window { get; init; } = 20;

    /// <summary>How far the window moves up between calls.</summary>
    public int Stride { get; init; } = 10;

    /// <summary>Sweeps from the bottom of the top list to its head; each sweep starts from the previous one's order.</summary>
    public int Passes { get; init; } = 1;

    /// <summary>The prompt.</summary>
    public ListwisePromptStyle Prompt { get; init; } = ListwisePromptStyle.RankGpt;

    /// <summary>Words of each document shown to the model (RankGPT: 300).</summary>
    public int MaxWordsPerDocument { get; init; } = 300;

    /// <summary>Sampling settings of every window call (part of each call's store key).</summary>
    public LlmSampling Sampling { get; init; } = new() { Temperature = 0, MaxTokens = 4096 };

    /// <summary>Topics reranked at once (windows of a topic run one after another).</summary>
    public int Concurrency { get; init; } = 16;

    /// <exception cref="ArgumentException">A window under 2, a stride outside 1..window−1, no pass or no top.</exception>
    internal void Validate()
    {
        if (Window < 2 || Stride < 1 || Stride >= Window || Passes < 1 || Top < 1 || MaxWordsPerDocument < 1)
        {
            throw new ArgumentException($"listwise needs --window >= 2, 1 <= --stride < window, --passes >= 1, --top >= 1 (found window {Window}, stride {Stride}, passes {Passes}, top {Top})");
        }
    }
}
