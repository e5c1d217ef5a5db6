using Lodestar.Llm.Embedding;
using Lodestar.Search;
using Microsoft.Extensions.AI;

namespace Lodestar.Pipeline.Recipes;

/// <summary>What <see cref="RecipeRunner"/> runs a recipe on, and how it reaches the models.</summary>
public sealed record RecipeRunOptions
{
    /// <summary>The recipe.</summary>
    public required Recipe Recipe { get; init; }

    /// <summary>BRIGHT tasks, in order (ignored when <see cref="Beir"/> is given).</summary>
    public IReadOnlyList<string> Tasks { get; init; } = [];

    /// <summary>BRIGHT on disk, or where the hub's files are converted to (see <see cref="BrightRunOptions.Data"/>).</summary>
    public required string Data { get; init; }

    /// <summary>A BEIR folder (<c>corpus.jsonl[.gz]</c>, <c>queries.jsonl</c>, <c>qrels/test.tsv</c>) run as one task
    /// named after the folder, instead of BRIGHT.</summary>
    public string? Beir { get; init; }

    /// <summary>BRIGHT dataset revision.</summary>
    public string Revision { get; init; } = "main";

    /// <summary>Use only the hub cache.</summary>
    public bool Offline { get; init; }

    /// <summary>BRIGHT's long documents and <c>gold_ids_long</c>.</summary>
    public bool Long { get; init; }

    /// <summary>Only the first N topics of each task (to try a recipe, or to price it, on a few).</summary>
    public int? MaxTopics { get; init; }

    /// <summary>BM25 settings.</summary>
    public Bm25Parameters Bm25 { get; init; } = new();

    /// <summary>The LLM endpoint of steps that name none.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The LLM model of steps that name none.</summary>
    public string? Model { get; init; }

    /// <summary>The embeddings endpoint of dense retrievers that name none.</summary>
    public string? EmbedEndpoint { get; init; }

    /// <summary>Endpoints by model name; they take precedence over the recipe's and the defaults.</summary>
    public IReadOnlyDictionary<string, string> ModelEndpoints { get; init; } = new Dictionary<string, string>();

    /// <summary>Opens a chat client for (endpoint, model); called only when a step has work to send.</summary>
    public required Func<string, string, IChatClient> OpenChat { get; init; }

    /// <summary>Opens an embedder for (endpoint, model, profile); called only when a step has work to send.</summary>
    public Func<string, string, EmbeddingProfile, IEmbedder>? OpenEmbedder { get; init; }

    /// <summary>Tokens a Retro* answer may have.</summary>
    public int MaxNewTokens { get; init; } = 4096;

    /// <summary>Steps to redo even when finished: a kind (pull, index, rewrite, dense, retrieve, fuse, rerank, final,
    /// eval) or one step (such as <c>rerank:retro</c>).</summary>
    public IReadOnlySet<string> Force { get; init; } = new HashSet<string>();

    /// <summary>The parameters as the user gave them, recorded in the manifest.</summary>
    public Dictionary<string, string> Recorded { get; init; } = [];
}
