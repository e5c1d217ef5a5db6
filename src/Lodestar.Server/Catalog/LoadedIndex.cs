using Lodestar.Dense;
using Lodestar.Index;
using Lodestar.Search;

namespace Lodestar.Server.Catalog;

/// <summary>An index named at start-up: its reader, a BM25 searcher and, when it has one, its vector index.</summary>
/// <param name="Name">The name requests use.</param>
/// <param name="Reader">The open index.</param>
/// <param name="Searcher">BM25 over it.</param>
/// <param name="Vectors">The vector index in <c>INDEX/dense</c>, or null.</param>
public sealed record LoadedIndex(string Name, IndexReader Reader, Searcher Searcher, VectorIndex? Vectors)
{
    /// <summary>The stored text of an external id, or null when the index has no such document.</summary>
    public string? TextOf(string id) => Reader.TryGetDoc(id, out int doc) ? Reader.GetText(doc) : null;
}
