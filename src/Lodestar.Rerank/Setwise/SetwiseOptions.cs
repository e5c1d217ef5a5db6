using Lodestar.Llm.Calls;

namespace Lodestar.Rerank.Setwise;

/// <summary>Settings of a setwise rerank (Setwise heapsort defaults: 3 children per node, top 10).</summary>
public sealed record SetwiseOptions
{
    /// <summary>First-stage hits considered per topic.</summary>
    public int Top { get; init; } = 100;

    /// <summary>Hits sorted to the head by the heap; the rest follow in first-stage order.</summary>
    public int K { get; init; } = 10;

    /// <summary>Children per heap node: each comparison shows a node and its children (set size + 1).</summary>
    public int Children { get; init; } = 3;

    /// <summary>Words of each document shown.</summary>
    public int MaxWordsPerDocument { get; init; } = 300;

    /// <summary>Sampling of every comparison.</summary>
    public LlmSampling Sampling { get; init; } = new() { Temperature = 0, MaxTokens = 256 };

    /// <summary>Topics reranked at once.</summary>
    public int Concurrency { get; init; } = 16;
}
