using System.ComponentModel;
using System.Text.Json;
using Lodestar.Search;
using Lodestar.Server.Api;
using Lodestar.Server.Reranking;
using ModelContextProtocol.Server;

namespace Lodestar.Server.Mcp;

/// <summary>The MCP tools: search, rerank, get_document and explain, for agents doing reasoning-intensive retrieval.
/// Each answers with the JSON the HTTP API gives.</summary>
[McpServerToolType]
public sealed class LodestarTools(SearchService service)
{
    /// <summary>Searches an index.</summary>
    [McpServerTool(Name = "search", ReadOnly = true), Description("Search a loaded index with BM25 (or dense/hybrid when configured); optionally rerank the top hits with the reasoning reranker. Returns ranked document ids with scores.")]
    public async Task<string> SearchAsync(
        [Description("The query.")] string query,
        [Description("Index name (optional when one index is loaded).")] string? index = null,
        [Description("Hits to return.")] int k = 10,
        [Description("bm25, dense or hybrid.")] string mode = "bm25",
        [Description("Rerank the top k with the LLM (retro-star).")] bool rerank = false,
        [Description("Samples per document when reranking.")] int? samples = null,
        CancellationToken cancellationToken = default)
    {
        SearchResponse response = await service.SearchAsync(new SearchRequest
        {
            Index = index, Query = query, K = k, Mode = mode, Rerank = rerank ? new SearchRerank { Samples = samples } : null,
        }, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Serialize(response, ServerJson.Default.SearchResponse);
    }

    /// <summary>Reranks given texts.</summary>
    [McpServerTool(Name = "rerank", ReadOnly = true), Description("Rerank candidate documents for a query with the Retro* reasoning reranker. Returns the documents' positions, best first, with 0-1 relevance scores.")]
    public async Task<string> RerankAsync(
        [Description("The query.")] string query,
        [Description("The candidate documents' texts.")] string[] documents,
        [Description("Samples per document (K).")] int? samples = null,
        [Description("A BRIGHT task whose relevance definition to use, such as biology.")] string? task = null,
        CancellationToken cancellationToken = default)
    {
        RerankOutcome outcome = await service.RerankAsync(query, documents, new TeiRerankRequest { Samples = samples, Task = task }, cancellationToken).ConfigureAwait(false);
        var results = outcome.Candidates.Select(c => new TeiResult(c.Position, c.Score ?? 0, null)).ToList();
        return JsonSerializer.Serialize(results, ServerJson.Default.ListTeiResult);
    }

    /// <summary>Fetches a document.</summary>
    [McpServerTool(Name = "get_document", ReadOnly = true), Description("Fetch a document's stored text by its id.")]
    public string GetDocument(
        [Description("The document id.")] string id,
        [Description("Index name (optional when one index is loaded).")] string? index = null) =>
        JsonSerializer.Serialize(service.Document(index, id), ServerJson.Default.DocumentResponse);

    /// <summary>Explains a document's score.</summary>
    [McpServerTool(Name = "explain", ReadOnly = true), Description("Explain why a document scores as it does for a query: the BM25 per-term breakdown and, when an LLM is configured and rerank is true, each reasoning sample with its score.")]
    public async Task<string> ExplainAsync(
        [Description("The query.")] string query,
        [Description("The document id.")] string id,
        [Description("Index name (optional when one index is loaded).")] string? index = null,
        [Description("Also ask the reasoning reranker.")] bool rerank = false,
        CancellationToken cancellationToken = default)
    {
        Catalog.LoadedIndex loaded = service.Indexes.Get(index);
        DocumentResponse doc = service.Document(loaded.Name, id);
        Explanation bm25 = loaded.Searcher.Explain(query, id);
        IReadOnlyList<SampleTrace>? samples = null;
        double? score = null;
        if (rerank)
        {
            RerankOutcome outcome = await service.RerankAsync(query, [doc.Text], new TeiRerankRequest(), cancellationToken).ConfigureAwait(false);
            samples = outcome.Candidates[0].Samples;
            score = outcome.Candidates[0].Score;
        }

        var hit = new SearchHit(1, id, score ?? bm25.Score, bm25.Score, 1, score, null, bm25, samples);
        return JsonSerializer.Serialize(new SearchResponse(loaded.Name, query, "bm25", [hit], 0), ServerJson.Default.SearchResponse);
    }
}
