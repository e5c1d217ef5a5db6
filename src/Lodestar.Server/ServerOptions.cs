using Lodestar.Llm.Embedding;
using Lodestar.Rerank.RetroStar;
using Lodestar.Search;
using Microsoft.Extensions.AI;

namespace Lodestar.Server;

/// <summary>Everything <c>lodestar serve</c> starts with. Paths are named here, at start-up, never by a request.</summary>
public sealed record ServerOptions
{
    /// <summary>Indexes by name.</summary>
    public IReadOnlyList<(string Name, string Path)> Indexes { get; init; } = [];

    /// <summary>BM25 variant and parameters.</summary>
    public Bm25Parameters Bm25 { get; init; } = new();

    /// <summary>The LLM (a server or the embedded engine); null = no reranking (rerank requests get 503).</summary>
    public IChatClient? Chat { get; init; }

    /// <summary>The judgment store (SQLite); needed with <see cref="Chat"/>.</summary>
    public string? StorePath { get; init; }

    /// <summary>Retro* settings a request does not override.</summary>
    public RerankOptions Rerank { get; init; } = new();

    /// <summary>Embeds queries for dense and hybrid search; null = BM25 only.</summary>
    public IEmbedder? Embedder { get; init; }

    /// <summary>The embedding profile (templates).</summary>
    public EmbeddingProfile Profile { get; init; } = EmbeddingProfile.Plain;

    /// <summary>The clients' <c>Authorization: Bearer</c> tokens; empty = open. Each key is its own client for the
    /// concurrency limit.</summary>
    public IReadOnlyList<ApiClientKey> ApiKeys { get; init; } = [];

    /// <summary>Run files jobs may rerank, by name (<c>--run PATH=NAME</c>).</summary>
    public IReadOnlyList<(string Name, string Path)> Runs { get; init; } = [];

    /// <summary>Recipes and datasets that recipe jobs may run (<c>--recipe</c>, <c>--beir</c>, <c>--data</c>); null = no
    /// recipe jobs.</summary>
    public Jobs.RecipeJobOptions? RecipeJobs { get; init; }

    /// <summary>Folder of the jobs' state and results; null = no jobs.</summary>
    public string? JobsPath { get; init; }

    /// <summary>Refuses jobs (403); search and rerank still write to the judgment store.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Topics the page offers (and that qrels judge).</summary>
    public string? TopicsPath { get; init; }

    /// <summary>Qrels for per-query nDCG@10 and the judged relevance of each hit.</summary>
    public string? QrelsPath { get; init; }

    /// <summary>Experiment folders by name.</summary>
    public IReadOnlyList<(string Name, string Path)> Experiments { get; init; } = [];

    /// <summary>Request limits.</summary>
    public ServerLimits Limits { get; init; } = new();

    /// <summary>Addresses to listen on, such as <c>http://127.0.0.1:8080</c> (port 0 picks a free one).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:8080"];

    /// <summary>Time the server waits for requests in progress when it is stopped.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
