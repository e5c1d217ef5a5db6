using Lodestar.Model;

namespace Lodestar.Synthesis.Data;

/// <summary>Where the MCTS's queries and the negative miner find documents: BM25, dense or hybrid over one corpus.</summary>
public interface IDocumentRetriever
{
    /// <summary>What the retriever is (<c>bm25</c>, <c>dense</c>, <c>hybrid-rrf</c>), recorded in the dataset card.</summary>
    public string Name { get; }

    /// <summary>The top <paramref name="k"/> documents for <paramref name="query"/>, best first.</summary>
    public Task<IReadOnlyList<Hit>> RetrieveAsync(string query, int k, CancellationToken ct);

    /// <summary>The text of a document; null when the id is unknown.</summary>
    public string? TextOf(string docId);
}
