using System.Globalization;
using Lodestar.Errors;
using Lodestar.Rerank.Listwise;
using Lodestar.Rerank.Thinking;

namespace Lodestar.Pipeline.Recipes;

/// <summary>A rerank stage of an earlier run: Retro* (a cascade of TOP@K stages), listwise (sliding window) or setwise.</summary>
/// <param name="Position">Where it is written.</param>
public sealed record RecipeRerank(SourcePosition Position) : RecipeNode(Position)
{
    /// <summary><c>retro-star</c>, <c>listwise</c> or <c>setwise</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The run reranked.</summary>
    public required string Run { get; init; }

    /// <summary>Retro*: the cascade, each stage (candidates, samples K) on the previous stage's ranking.</summary>
    public IReadOnlyList<(int Top, int Samples)> Cascade { get; init; } = [(100, 1)];

    /// <summary>Listwise and setwise: candidates reranked.</summary>
    public int Top { get; init; } = 100;

    /// <summary>Listwise: window size.</summary>
    public int Window { get; init; } = 20;

    /// <summary>Listwise: stride.</summary>
    public int Stride { get; init; } = 10;

    /// <summary>Listwise: sweeps.</summary>
    public int Passes { get; init; } = 1;

    /// <summary>Listwise: the prompt.</summary>
    public ListwisePromptStyle Prompt { get; init; } = ListwisePromptStyle.RankGpt;

    /// <summary>Setwise: hits sorted by the heap.</summary>
    public int SetwiseK { get; init; } = 10;

    /// <summary>Setwise: children per heap node.</summary>
    public int Children { get; init; } = 3;

    /// <summary>Thinking control (listwise and setwise; Retro* keeps its authors' setting).</summary>
    public ThinkingMode Thinking { get; init; } = ThinkingMode.Default;

    /// <summary>What decides the output besides the model and inputs, for the step key.</summary>
    public string Describe() => Method switch
    {
        "retro-star" => $"retro-star|{string.Join(',', Cascade.Select(s => $"{s.Top}@{s.Samples}"))}",
        "listwise" => string.Create(CultureInfo.InvariantCulture, $"listwise|top={Top}|window={Window}|stride={Stride}|passes={Passes}|{Prompt}|thinking={Thinking}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"setwise|top={Top}|k={SetwiseK}|children={Children}|thinking={Thinking}"),
    };

    /// <summary>LLM requests and generated answers per query (setwise: an estimate, its comparisons depend on the answers).</summary>
    public (double Requests, double Answers) Cost() => Method switch
    {
        "retro-star" => (Cascade.Sum(s => (double)s.Top), Cascade.Sum(s => (double)s.Top * s.Samples)),
        "listwise" => (Passes * ListwiseWindows(), Passes * ListwiseWindows()),
        _ => (SetwiseComparisons(), SetwiseComparisons()),
    };

    private double ListwiseWindows() => Top <= Window ? 1 : Math.Ceiling((Top - Window) / (double)Stride) + 1;

    /// <summary>Heap building visits each inner node once; each of K pops sifts down at most log_{c+1}(n) levels.</summary>
    private double SetwiseComparisons()
    {
        int inner = (Top - 1) / Children + 1;
        double depth = Math.Ceiling(Math.Log(Top * (Children - 1) + 1, Children + 1));
        return inner + (SetwiseK * depth);
    }
}
