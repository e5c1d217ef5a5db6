using System.Runtime.CompilerServices;
using System.Text;

namespace Lodestar.Index;

/// <summary>
/// Sort-based inversion: the writer appends (term id, doc, tf) triples to large int arrays; at a spill or at the end
/// a stable counting sort by term id groups them (documents stay ascending within a term), and each term's postings
/// are varint-encoded. When the triples pass the memory budget they are spilled as a sorted run, and
/// <see cref="WriteTo"/> merges the runs.
/// </summary>
/// <remarks>
/// Documents must arrive in increasing doc id order. 12 bytes per posting while building and no object per term,
/// so the garbage collector has almost nothing to trace. Terms are written in ordinal UTF-16 order.
/// </remarks>
internal sealed partial class PostingAccumulator : IDisposable
{
    private const int ChunkPostings = 1 << 20;

    private readonly Vocabulary _vocabulary;
    private readonly string _spillDirectory;
    private readonly long _budget;
    private readonly List<string> _runs = [];
    private readonly List<int[]> _chunks = [];
    private int _used = ChunkPostings; // postings used in the last chunk
    private long _count;

    public PostingAccumulator(Vocabulary vocabulary, string spillDirectory, long budgetBytes)
    {
        _vocabulary = vocabulary;
        _spillDirectory = spillDirectory;
        _budget = budgetBytes;
    }

    /// <summary>Runs spilled so far.</summary>
    public int SpilledRuns => _runs.Count;

    /// <summary>Records that term <paramref name="termId"/> occurs <paramref name="tf"/> times in <paramref name="doc"/>.</summary>
    public void Add(int termId, int doc, int tf)
    {
        if (_used == ChunkPostings)
        {
            _chunks.Add(GC.AllocateUninitializedArray<int>(ChunkPostings * 3)); // every slot is written before it is read
            _used = 0;
        }

        int[] chunk = _chunks[^1];
        int at = _used * 3;
        chunk[at] = termId;
        chunk[at + 1] = doc;
        chunk[at + 2] = tf;
        _used++;
        _count++;
    }

    /// <summary>Spills to disk if the budget is exceeded; call between documents.</summary>
    public void SpillIfFull()
    {
        if (_count * 12 > _budget)
        {
            Spill();
        }
    }

    /// <summary>Stable counting sort of the in-memory triples by term: documents keep their increasing order inside
    /// each term. Runs once per build over every posting, so it is compiled fully optimized from the start (a method
    /// that runs once would otherwise stay in tier-0 code).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int[] Start, int[] Docs, int[] Tfs) CountingSort()
    {
        int v = _vocabulary.Count;
        int[] start = new int[v + 1];
        for (int c = 0; c < _chunks.Count; c++)
        {
            int[] chunk = _chunks[c];
            int used = (c == _chunks.Count - 1 ? _used : ChunkPostings) * 3;
            for (int i = 0; i < used; i += 3)
            {
                start[chunk[i] + 1]++;
            }
        }

        for (int t = 0; t < v; t++)
        {
            start[t + 1] += start[t];
        }

        long n = _count;
        int[] docs = new int[n];
        int[] tfs = new int[n];
        int[] fill = (int[])start.Clone();
        for (int c = 0; c < _chunks.Count; c++)
        {
            int[] chunk = _chunks[c];
            int used = (c == _chunks.Count - 1 ? _used : ChunkPostings) * 3;
            for (int i = 0; i < used; i += 3)
            {
                int at = fill[chunk[i]]++;
                docs[at] = chunk[i + 1];
                tfs[at] = chunk[i + 2];
            }
        }

        return (start, docs, tfs);
    }

    /// <summary>Writes the term dictionary and postings, merging spilled runs; returns (terms, postings).</summary>
    public (int Terms, long Postings) WriteTo(Stream termsFile, Stream postingsFile) =>
        _runs.Count == 0 ? WriteInMemory(termsFile, postingsFile) : WriteMerged(termsFile, postingsFile);

    /// <summary>
    /// The common case, nothing spilled: the terms are sorted on one core while the other counting-sorts the postings;
    /// then the sorted terms are cut into one part per core, of about equal postings, and each part is encoded into
    /// its own buffers (postings, and the terms' records) on its own core; the parts are written in order.
    /// </summary>
    private (int Terms, long Postings) WriteInMemory(Stream termsFile, Stream postingsFile)
    {
        Task<(string[] Keys, int[] Ids)> order = Task.Run(() => InTermOrder([.. Enumerable.Range(0, _vocabulary.Count)]));
        (int[] start, int[] docs, int[] tfs) = CountingSort();
        (string[] sortedKeys, int[] sortedIds) = order.GetAwaiter().GetResult();
        int[] bounds = Split(sortedIds, start, Environment.ProcessorCount);
        var parts = new (byte[] Terms, int TermBytes, byte[] Postings, int PostingBytes, int Count)[bounds.Length - 1];
        Parallel.For(0, parts.Length, p => parts[p] = EncodePart(sortedKeys, sortedIds, bounds[p], bounds[p + 1], start, docs, tfs));
        int termCount = 0;
        foreach (var part in parts)
        {
            termsFile.Write(part.Terms, 0, part.TermBytes);
            postingsFile.Write(part.Postings, 0, part.PostingBytes);
            termCount += part.Count;
        }

        return (termCount, _count);
    }

    /// <summary>The terms of <paramref name="ids"/> and the ids themselves, both in ordinal term order (sorts
    /// <paramref name="ids"/> in place).</summary>
    private (string[] Keys, int[] Ids) InTermOrder(int[] ids)
    {
        string[] keys = [.. ids.Select(t => _vocabulary[t])];
        Array.Sort(keys, ids, StringComparer.Ordinal);
        return (keys, ids);
    }

    /// <summary>Cuts the sorted terms into up to <paramref name="parts"/> ranges of about equal postings.</summary>
    private static int[] Split(int[] sortedIds, int[] start, int parts)
    {
        long total = start[^1];
        var bounds = new List<int> { 0 };
        long seen = 0;
        for (int i = 0; i < sortedIds.Length && bounds.Count < parts; i++)
        {
            seen += start[sortedIds[i] + 1] - start[sortedIds[i]];
            if (seen * parts >= total * bounds.Count)
            {
                bounds.Add(i + 1);
            }
        }

        if (bounds[^1] != sortedIds.Length)
        {
            bounds.Add(sortedIds.Length);
        }

        return [.. bounds];
    }

    /// <summary>Encodes terms <paramref name="from"/>..<paramref name="to"/> of the sorted order: their postings as
    /// varint (doc gap, tf) pairs, and their records for terms.bin (UTF-8 key, df, postings bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (byte[] Terms, int TermBytes, byte[] Postings, int PostingBytes, int Count) EncodePart(
        string[] keys, int[] ids, int from, int to, int[] start, int[] docs, int[] tfs)
    {
        byte[] terms = new byte[Math.Max(16, (to - from) * 16)];
        byte[] postings = new byte[Math.Max(16, (start[^1] / Math.Max(1, ids.Length)) * (to - from) * 3)];
        int termBytes = 0, postingBytes = 0, count = 0;
        for (int i = from; i < to; i++)
        {
            int t = ids[i];
            int df = start[t + 1] - start[t];
            if (df == 0)
            {
                continue;
            }

            int before = postingBytes;
            int last = -1;
            for (int p = start[t]; p < start[t + 1]; p++)
            {
                VarInt.Write(ref postings, ref postingBytes, (ulong)(docs[p] - last));
                VarInt.Write(ref postings, ref postingBytes, (ulong)tfs[p]);
                last = docs[p];
            }

            int length = Encoding.UTF8.GetByteCount(keys[i]);
            VarInt.Write(ref terms, ref termBytes, (ulong)length);
            if (termBytes + length > terms.Length)
            {
                Array.Resize(ref terms, Math.Max(terms.Length * 2, termBytes + length));
            }

            termBytes += Encoding.UTF8.GetBytes(keys[i], terms.AsSpan(termBytes));
            VarInt.Write(ref terms, ref termBytes, (ulong)df);
            VarInt.Write(ref terms, ref termBytes, (ulong)(postingBytes - before));
            count++;
        }

        return (terms, termBytes, postings, postingBytes, count);
    }

    public void Dispose()
    {
        foreach (string run in _runs)
        {
            File.Delete(run);
        }
    }
}
