using Lodestar.Search;
using Lodestar.Server.Reranking;

namespace Lodestar.Server.Api;

/// <summary>A search: first stage over a named index, optionally reranked.</summary>
public sealed record SearchRequest
{
    /// <summary>The index's name (optional when one index is loaded).</summary>
    public string? Index { get; init; }

    /// <summary>The query (or give <see cref="Topic"/>).</summary>
    public string? Query { get; init; }

    /// <summary>A topic id of the loaded topics: its text is the query, and with qrels its nDCG@10 is reported.</summary>
    public string? Topic { get; init; }

    /// <summary>Hits to return (default 10).</summary>
    public int? K { get; init; }

    /// <summary><c>bm25</c> (default), <c>dense</c> or <c>hybrid</c> (reciprocal rank fusion of both).</summary>
    public string? Mode { get; init; }

    /// <summary>Rerank the top of the first stage.</summary>
    public SearchRerank? Rerank { get; init; }

    /// <summary>Add the BM25 term breakdown per hit and, when reranked, each sample's reasoning and score.</summary>
    public bool? Explain { get; init; }
}

/// <summary>How a search reranks.</summary>
public sealed record SearchRerank : LodestarRerankFields
{
    /// <summary>First-stage hits reranked (default k).</summary>
    public int? Top { get; init; }
}

/// <summary>A search's answer.</summary>
/// <param name="Index">The index.</param>
/// <param name="Query">The query.</param>
/// <param name="Mode">The first stage.</param>
/// <param name="Hits">Best first.</param>
/// <param name="TookMs">Time spent, in milliseconds.</param>
/// <param name="Rerank">What the rerank did, when one ran.</param>
/// <param name="Topic">The topic, when one was named.</param>
/// <param name="NdcgCut10">nDCG@10 (trec_eval's ndcg_cut.10) of the first stage and, when reranked, of the final ranking; when qrels judge the topic.</param>
public sealed record SearchResponse(string Index, string Query, string Mode, List<SearchHit> Hits, double TookMs, LodestarMeta? Rerank = null,
    string? Topic = null, [property: System.Text.Json.Serialization.JsonPropertyName("ndcg_cut_10")] NdcgFigures? NdcgCut10 = null);

/// <summary>nDCG@10 before and after the rerank.</summary>
/// <param name="FirstStage">Of the first-stage ranking.</param>
/// <param name="Final">Of the returned ranking.</param>
public sealed record NdcgFigures(double FirstStage, double Final);

/// <summary>One hit.</summary>
/// <param name="Rank">1-based rank in the answer.</param>
/// <param name="Id">The document id.</param>
/// <param name="Score">The final score (the rerank's 0–1 score when reranked, else the first stage's).</param>
/// <param name="FirstStageScore">The first-stage score.</param>
/// <param name="FirstStageRank">The 1-based first-stage rank.</param>
/// <param name="RerankScore">The rerank score (0–1), when reranked and parsed.</param>
/// <param name="Relevance">The qrels grade, when qrels judge the topic (0 for unjudged).</param>
/// <param name="Explanation">With explain: the BM25 breakdown.</param>
/// <param name="Samples">With explain and rerank: each sample's reasoning and score.</param>
public sealed record SearchHit(int Rank, string Id, double Score, double FirstStageScore, int FirstStageRank, double? RerankScore = null,
    int? Relevance = null, Explanation? Explanation = null, IReadOnlyList<SampleTrace>? Samples = null);

/// <summary>A stored document.</summary>
/// <param name="Index">The index.</param>
/// <param name="Id">The document id.</param>
/// <param name="Text">Its stored text.</param>
/// <param name="Length">Its length in terms.</param>
public sealed record DocumentResponse(string Index, string Id, string Text, int Length);

/// <summary>What the service has loaded.</summary>
/// <param name="Indexes">Indexes with their document counts and analyzers.</param>
/// <param name="Methods">Reranking methods (empty without an LLM).</param>
/// <param name="Model">The LLM's model, or null.</param>
/// <param name="Topics">Loaded topics (id and text), for the page's picker.</param>
/// <param name="Qrels">Whether qrels are loaded.</param>
/// <param name="Experiments">Experiment names.</param>
public sealed record InfoResponse(List<IndexInfo> Indexes, List<string> Methods, string? Model, List<TopicInfo> Topics, bool Qrels, List<string> Experiments);

/// <summary>An index's summary.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Documents">N.</param>
/// <param name="Analyzer">Its analyzer.</param>
/// <param name="Dense">Whether it has a vector index.</param>
public sealed record IndexInfo(string Name, int Documents, string Analyzer, bool Dense);

/// <summary>A loaded topic.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Text">Its text.</param>
public sealed record TopicInfo(string Id, string Text);
