using Lodestar.Errors;

namespace Lodestar.Pipeline.Recipes;

/// <summary>A first-stage retriever: BM25 or a dense embedding model, on the original topics or a rewrite's.</summary>
/// <param name="Position">Where it is written.</param>
public sealed record RecipeRetriever(SourcePosition Position) : RecipeNode(Position)
{
    /// <summary><c>bm25</c> or <c>dense</c>.</summary>
    public required string Kind { get; init; }

    /// <summary><c>original</c>, or a rewrite's topics (<c>NAME</c>, <c>NAME.i</c>).</summary>
    public string Queries { get; init; } = "original";

    /// <summary>Hits per topic.</summary>
    public int K { get; init; } = 1000;

    /// <summary>The embedding profile (dense): plain, rader, e5 or bge.</summary>
    public string Profile { get; init; } = "plain";
}
