using Lodestar.Dense;
using Lodestar.Fusion;
using Lodestar.Llm.Embedding;
using Lodestar.Model;

namespace Lodestar.Synthesis.Data;

/// <summary>Dense retrieval over a vector index (queries embedded with the index's query template), or hybrid:
/// BM25 and dense fused by reciprocal rank fusion; texts from the BM25 index.</summary>
/// <param name="vectors">The vector index.</param>
/// <param name="embedder">Embeds queries; its model must be the index's.</param>
/// <param name="profile">Query template and normalisation.</param>
/// <param name="texts">The BM25 retriever, for documents' text (and its run in hybrid mode).</param>
/// <param name="hybrid">Fuse with BM25 (RRF, k = 60, depth 100) instead of dense alone.</param>
public sealed class DenseDocumentRetriever(VectorIndex vectors, IEmbedder embedder, EmbeddingProfile profile, IDocumentRetriever texts, bool hybrid) : IDocumentRetriever
{
    /// <inheritdoc />
    public string Name => hybrid ? "hybrid-rrf" : "dense";

    /// <inheritdoc />
    public async Task<IReadOnlyList<Hit>> RetrieveAsync(string query, int k, CancellationToken ct)
    {
        var topic = new Topic("q", query);
        int depth = hybrid ? Math.Max(k, 100) : k;
        Run dense = await DenseRetriever.SearchAsync(vectors, embedder, profile, [topic], depth, cancellationToken: ct).ConfigureAwait(false);
        if (!hybrid)
        {
            return dense["q"];
        }

        var sparse = new Run("bm25");
        sparse.Set("q", [.. await texts.RetrieveAsync(query, depth, ct).ConfigureAwait(false)]);
        Run fused = RunFusion.Fuse([(sparse, 1), (dense, 1)], FusionMethod.Rrf, k);
        return fused["q"];
    }

    /// <inheritdoc />
    public string? TextOf(string docId) => texts.TextOf(docId);
}
