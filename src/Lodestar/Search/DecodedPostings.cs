namespace Lodestar.Search;

/// <summary>A term's postings decoded for repeated use: document ids and their precomputed document-side weights.</summary>
/// <param name="Docs">Internal document ids, ascending.</param>
/// <param name="Weights">The weight of the term in each document (see <see cref="Bm25Scorer"/>).</param>
internal sealed record DecodedPostings(int[] Docs, double[] Weights)
{
    /// <summary>Bytes held: 12 per posting.</summary>
    public long Bytes => (long)Docs.Length * 12;
}
