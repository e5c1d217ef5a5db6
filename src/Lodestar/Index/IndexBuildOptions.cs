namespace Lodestar.Index;

/// <summary>What to do with a document whose text yields no terms.</summary>
public enum EmptyDocumentPolicy
{
    /// <summary>Index it with length 0: it counts in N and avgdl, as BRIGHT's BM25 counts it. The default.</summary>
    Keep,

    /// <summary>Leave it out of the index and count it in the summary.</summary>
    Skip,

    /// <summary>Stop with an error at its line.</summary>
    Error,
}

/// <summary>Options of <see cref="IndexWriter"/>.</summary>
public sealed record IndexBuildOptions
{
    /// <summary>The analyzer's registry name: <c>english</c>, or <c>pretokenized</c> for token-list corpora.</summary>
    public string Analyzer { get; init; } = "english";

    /// <summary>Worker threads that parse and analyze; 0 means one per core less one (at least one), because the
    /// writer that inverts, compresses and writes runs beside them (and analyzes too when they fall behind).</summary>
    public int Threads { get; init; }

    /// <summary>Postings held in memory before a sorted run is spilled to disk, in bytes (varint-encoded, about 3.2
    /// bytes a posting with their slices' links and slack on the benchmark corpus; 16 MiB holds about 5 million, the
    /// 534k-passage benchmark corpus without a spill). Kept small so that the build's peak memory stays flat as the
    /// corpus grows (docs/benchmarks.md). A 256th of it, in entries, sizes the runs of id hashes the duplicate-id check
    /// spills (65,536 by default, at least 1,024, at most 1,048,576).</summary>
    public long MemoryBudgetBytes { get; init; } = 16L << 20;

    /// <summary>What to do with empty documents.</summary>
    public EmptyDocumentPolicy EmptyDocuments { get; init; } = EmptyDocumentPolicy.Keep;

    /// <summary>Replace an existing index at the output path.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Receives progress about once per batch.</summary>
    public IProgress<IndexProgress>? Progress { get; init; }
}

/// <summary>Progress of an index build.</summary>
/// <param name="Documents">Documents indexed so far.</param>
/// <param name="Tokens">Terms indexed so far.</param>
/// <param name="BytesRead">Input bytes consumed.</param>
/// <param name="TotalBytes">Input size in bytes.</param>
public readonly record struct IndexProgress(long Documents, long Tokens, long BytesRead, long TotalBytes);

/// <summary>What an index build did.</summary>
/// <param name="Documents">Documents in the index.</param>
/// <param name="EmptyDocuments">Documents that had no terms (kept or skipped by policy).</param>
/// <param name="Terms">Distinct terms.</param>
/// <param name="Tokens">Total terms indexed.</param>
/// <param name="SpilledRuns">Sorted runs written to disk because of the memory budget.</param>
/// <param name="IndexBytes">Size of the index on disk.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record IndexBuildSummary(
    long Documents, long EmptyDocuments, long Terms, long Tokens, int SpilledRuns, long IndexBytes, double Seconds);
