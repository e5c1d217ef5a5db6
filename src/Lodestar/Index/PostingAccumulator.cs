namespace Lodestar.Index;

/// <summary>
/// Inversion into a <see cref="PostingPool"/>: the writer appends each (term id, doc, tf) to its term's varint-encoded
/// slices; at the end the terms are sorted and each term's bytes copied out. When the pool passes the memory budget
/// its postings are spilled as a sorted run, and <see cref="WriteTo"/> merges the runs.
/// </summary>
/// <remarks>
/// Documents must arrive in increasing doc id order. About 3.2 bytes per posting while building (2.3 encoded, plus
/// the slices' links and slack) and no object per term, so the garbage collector has almost nothing to trace.
/// Terms are written in ordinal UTF-16 order.
/// </remarks>
internal sealed partial class PostingAccumulator : IDisposable
{
    /// <summary>The pool never grows past this, whatever the budget: its addresses are ints.</summary>
    private const long MaxPoolBytes = 1L << 30;

    private readonly Vocabulary _vocabulary;
    private readonly string _spillDirectory;
    private readonly long _budget;
    private readonly List<string> _runs = [];
    private readonly PostingPool _pool;
    private long _count;

    public PostingAccumulator(Vocabulary vocabulary, string spillDirectory, long budgetBytes)
    {
        _vocabulary = vocabulary;
        _spillDirectory = spillDirectory;
        _budget = Math.Min(budgetBytes, MaxPoolBytes);
        // blocks of at most a quarter of the budget, so that a small budget still spills at about its size
        _pool = new PostingPool(63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(1, _budget / 4)));
    }

    /// <summary>Runs spilled so far.</summary>
    public int SpilledRuns => _runs.Count;

    /// <summary>Bytes the postings take in memory now.</summary>
    public long Bytes => _pool.Bytes;

    /// <summary>Records that term <paramref name="termId"/> occurs <paramref name="tf"/> times in <paramref name="doc"/>.</summary>
    public void Add(int termId, int doc, int tf)
    {
        _pool.Add(termId, doc, tf);
        _count++;
    }

    /// <summary>Prefetches what adding a posting of term <paramref name="termId"/> will touch: its state when
    /// <paramref name="write"/> is false (two documents ahead), the byte it writes when true (one document ahead).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int termId, bool write)
    {
        if (write)
        {
            _pool.PrefetchWrite(termId);
        }
        else
        {
            _pool.PrefetchState(termId);
        }
    }

    /// <summary>Spills to disk if the budget is exceeded; call between documents.</summary>
    public void SpillIfFull()
    {
        if (_pool.UsedBytes > _budget)
        {
            Spill();
        }
    }

    /// <summary>Writes the term dictionary and postings, merging spilled runs; returns (terms, postings).</summary>
    public (int Terms, long Postings) WriteTo(TermsWriter terms, Stream postingsFile) =>
        _runs.Count == 0 ? WriteInMemory(terms, postingsFile) : WriteMerged(terms, postingsFile);

    /// <summary>The common case, nothing spilled: the terms in order, each one's postings copied from the pool.</summary>
    private (int Terms, long Postings) WriteInMemory(TermsWriter terms, Stream postingsFile)
    {
        (TermKeys keys, int[] order, int[] ids) = InTermOrder(TermsInPool());
        for (int i = 0; i < ids.Length; i++)
        {
            int t = ids[i];
            terms.Add(keys[order[i]], _pool.Df(t), _pool.Length(t));
            _pool.WriteTo(t, postingsFile);
        }

        return (ids.Length, _count);
    }

    /// <summary>The ids of the terms with postings in the pool.</summary>
    private int[] TermsInPool()
    {
        var ids = new List<int>(_pool.TermBound);
        for (int t = 0; t < _pool.TermBound; t++)
        {
            if (_pool.Df(t) > 0)
            {
                ids.Add(t);
            }
        }

        return [.. ids];
    }

    /// <summary>Sorts <paramref name="ids"/> in place into the terms' order (ordinal, of their UTF-16 strings); the
    /// keys, copied out of the vocabulary, are those of the unsorted ids: the i-th sorted term's is
    /// <c>Keys[Order[i]]</c>.</summary>
    private (TermKeys Keys, int[] Order, int[] Ids) InTermOrder(int[] ids)
    {
        TermKeys keys = _vocabulary.Keys(ids);
        int[] order = keys.Sort(ids);
        return (keys, order, ids);
    }

    public void Dispose()
    {
        foreach (string run in _runs)
        {
            File.Delete(run);
        }
    }
}
