using Lodestar.Errors;

namespace Lodestar.Pipeline.Recipes;

/// <summary>
/// A retrieval recipe (<c>lodestar bright run --recipe FILE.yaml</c>): query rewrites, retrievers, fusions, rerank
/// stages and a final fusion, each a named node whose output later nodes name as their input.
/// </summary>
/// <remarks>
/// Nodes run in file order, sections in the order rewrites, retrievers, fusions, reranks, final; a node may only name
/// nodes defined before it (<see cref="RecipeReader"/> checks this). Every node becomes one resumable step per task.
/// </remarks>
public sealed record Recipe
{
    /// <summary>The recipe's name (from the file, else the file name).</summary>
    public required string Name { get; init; }

    /// <summary>The file it was read from.</summary>
    public required string Path { get; init; }

    /// <summary>The file's text, as read.</summary>
    public required string Text { get; init; }

    /// <summary>SHA-256 of the file's bytes (hex).</summary>
    public required string Sha256 { get; init; }

    /// <summary>Query rewrites.</summary>
    public IReadOnlyList<RecipeRewrite> Rewrites { get; init; } = [];

    /// <summary>First-stage retrievers.</summary>
    public IReadOnlyList<RecipeRetriever> Retrievers { get; init; } = [];

    /// <summary>Fusions of earlier runs.</summary>
    public IReadOnlyList<RecipeFusion> Fusions { get; init; } = [];

    /// <summary>Rerank stages.</summary>
    public IReadOnlyList<RecipeRerank> Reranks { get; init; } = [];

    /// <summary>The final fusion; null when the last run node is the final run.</summary>
    public RecipeFusion? Final { get; init; }

    /// <summary>
    /// LLM requests and generated answers per topic: one request per rewrite (<c>multi:N</c> asks for N answers in it),
    /// plus each rerank's (<see cref="RecipeRerank.Cost"/>). An upper bound for Retro* and listwise (a prompt met twice is
    /// asked once); an estimate for setwise.
    /// </summary>
    public (double Requests, double Answers) Cost() =>
        (Rewrites.Count + Reranks.Sum(r => r.Cost().Requests), Rewrites.Sum(r => r.Method.Count) + Reranks.Sum(r => r.Cost().Answers));

    /// <summary>The node whose run is the final one when there is no <see cref="Final"/> fusion.</summary>
    public string LastRun => Final?.Name ?? Reranks.LastOrDefault()?.Name ?? Fusions.LastOrDefault()?.Name ?? Retrievers[^1].Name;
}

/// <summary>Where a node was written in the recipe, for errors found after reading.</summary>
/// <param name="Position">The node's first key.</param>
public abstract record RecipeNode(SourcePosition Position)
{
    /// <summary>The node's name, unique in the recipe.</summary>
    public required string Name { get; init; }

    /// <summary>The LLM or embedding model, when the recipe names one.</summary>
    public string? Model { get; init; }

    /// <summary>The endpoint, when the recipe names one.</summary>
    public string? Endpoint { get; init; }
}
