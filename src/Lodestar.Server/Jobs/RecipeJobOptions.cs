using Lodestar.Llm.Embedding;
using Lodestar.Pipeline.Recipes;
using Microsoft.Extensions.AI;

namespace Lodestar.Server.Jobs;

/// <summary>A dataset a recipe job may run on, named at start-up: a BEIR folder (<c>--beir DIR=NAME</c>) or BRIGHT
/// on disk (<c>--data DIR=NAME</c>, tasks chosen per job).</summary>
/// <param name="Name">The name a request gives.</param>
/// <param name="Path">The folder.</param>
/// <param name="Beir">A BEIR folder (one task named after it) rather than BRIGHT.</param>
public sealed record RecipeDataset(string Name, string Path, bool Beir);

/// <summary>What recipe jobs (<c>{"kind": "recipe"}</c>) may run and how their steps reach the models; every path
/// here is named at start-up, never by a request.</summary>
public sealed record RecipeJobOptions
{
    /// <summary>Recipes by name (<c>--recipe PATH[=NAME]</c>), read and checked at start-up.</summary>
    public IReadOnlyList<(string Name, Recipe Recipe)> Recipes { get; init; } = [];

    /// <summary>Datasets by name.</summary>
    public IReadOnlyList<RecipeDataset> Datasets { get; init; } = [];

    /// <summary>The LLM endpoint of steps that name none (comma-separated replicas allowed).</summary>
    public string? Endpoint { get; init; }

    /// <summary>The LLM model of steps that name none.</summary>
    public string? Model { get; init; }

    /// <summary>The embeddings endpoint of dense retrievers that name none.</summary>
    public string? EmbedEndpoint { get; init; }

    /// <summary>Opens a chat client for (endpoint, model).</summary>
    public required Func<string, string, IChatClient> OpenChat { get; init; }

    /// <summary>Opens an embedder for (endpoint, model, profile); null = recipes with dense retrievers fail.</summary>
    public Func<string, string, EmbeddingProfile, IEmbedder>? OpenEmbedder { get; init; }

    /// <summary>Tokens a Retro* answer may have.</summary>
    public int MaxNewTokens { get; init; } = 4096;
}
