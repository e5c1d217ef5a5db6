using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Synthesis.Data;

/// <summary>BM25 (BRIGHT's variant by default) over a Lodestar index, the documents' text from its store.</summary>
public sealed class Bm25DocumentRetriever(IndexReader index, Bm25Parameters? parameters = null) : IDocumentRetriever
{
    private readonly Searcher _searcher = new(index, parameters ?? new Bm25Parameters());
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public string Name => "bm25";

    /// <inheritdoc />
    public Task<IReadOnlyList<Hit>> RetrieveAsync(string query, int k, CancellationToken ct)
    {
        // The searcher's postings cache is filled as terms are seen; one query at a time keeps it simple.
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Hit>>(_searcher.Search(query, k));
        }
    }

    /// <inheritdoc />
    public string? TextOf(string docId)
    {
        lock (_lock)
        {
            return index.TryGetDoc(docId, out int doc) ? index.GetText(doc) : null;
        }
    }
}
