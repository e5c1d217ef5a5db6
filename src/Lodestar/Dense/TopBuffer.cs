using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Lodestar.Dense;

/// <summary>
/// The best <c>capacity</c> rows of one scan for each of many queries, kept like <see cref="RowHeap"/> (higher score
/// first, ties to the lower row) but cheaper per candidate when many arrive (the int8 scan keeps <c>k × rescore</c>,
/// about 800 candidates per query and thread): a candidate above its query's threshold is appended, and when that
/// query's slots are full a selection keeps the best <c>capacity</c> and raises the threshold to the worst of them.
/// Same kept set as a <see cref="RowHeap"/> of the same capacity offered the same rows in ascending order.
/// </summary>
/// <remarks>
/// One native block for all queries (query j's slots at <c>j · slots</c>), so a candidate costs two stores, and the
/// scan can prefetch the next queries' slot ends (<see cref="Prefetch"/>): with an object per query the appends were
/// cache misses and took most of the candidate cost.
/// </remarks>
internal sealed unsafe class TopBuffer : IDisposable
{
    private readonly int _capacity, _slots, _queries;
    private readonly Entry* _entries;
    private readonly int* _counts;
    private readonly float* _thresholds;

    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public int Row;
        public float Score;
    }

    /// <summary>Buffers for <paramref name="queries"/> queries keeping <paramref name="capacity"/> rows each, with room
    /// for <paramref name="slack"/> × as many before a selection.</summary>
    public TopBuffer(int queries, int capacity, int slack = 4)
    {
        _queries = queries;
        _capacity = capacity;
        _slots = capacity * Math.Max(2, slack);
        _entries = (Entry*)NativeMemory.AlignedAlloc((nuint)((long)queries * _slots * sizeof(Entry)), 64);
        _counts = (int*)NativeMemory.AllocZeroed((nuint)queries, sizeof(int));
        _thresholds = (float*)NativeMemory.Alloc((nuint)queries, sizeof(float));
        new Span<float>(_thresholds, queries).Fill(float.NegativeInfinity);
    }

    /// <summary>Queries.</summary>
    public int Count => _queries;

    /// <summary>Rows kept per query.</summary>
    public int Capacity => _capacity;

    /// <summary>Empties every query's slots for another scan of the same shape, keeping the memory (and its pages,
    /// already touched: fresh pages cost 13–30 µs each on the VMs measured, about a tenth of a 200k batched scan).</summary>
    public TopBuffer Reset()
    {
        new Span<int>(_counts, _queries).Clear();
        new Span<float>(_thresholds, _queries).Fill(float.NegativeInfinity);
        return this;
    }

    /// <summary>Scores of query <paramref name="j"/> not above this cannot enter (−∞ until its first selection). Rows
    /// come in ascending order, so a tie with the worst kept row loses.</summary>
    public float Threshold(int j) => _thresholds[j];

    /// <summary>Adds a candidate for query <paramref name="j"/>; the caller has checked <c>score &gt; Threshold(j)</c>.
    /// Returns whether the threshold changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Offer(int j, int row, float score)
    {
        int n = _counts[j];
        Entry* e = _entries + ((long)j * _slots) + n;
        e->Row = row;
        e->Score = score;
        _counts[j] = ++n;
        if (n < _slots)
        {
            return false;
        }

        Select(j);
        return true;
    }

    /// <summary>Brings the slot ends of queries [<paramref name="first"/>, first + <paramref name="count"/>) toward the
    /// cache.</summary>
    public void Prefetch(int first, int count)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        for (int j = first; j < Math.Min(_queries, first + count); j++)
        {
            Sse.Prefetch0(_entries + ((long)j * _slots) + _counts[j]);
        }
    }

    /// <summary>The kept rows of query <paramref name="j"/> (at most capacity), in no order.</summary>
    public (int Row, float Score)[] Items(int j)
    {
        if (_counts[j] > _capacity)
        {
            Select(j);
        }

        var items = new (int, float)[_counts[j]];
        Entry* e = _entries + ((long)j * _slots);
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = (e[i].Row, e[i].Score);
        }

        return items;
    }

    /// <summary>The rows kept for query <paramref name="j"/> (at most capacity), in no order.</summary>
    public int[] Rows(int j)
    {
        if (_counts[j] > _capacity)
        {
            Select(j);
        }

        var rows = new int[_counts[j]];
        Entry* e = _entries + ((long)j * _slots);
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = e[i].Row;
        }

        return rows;
    }

    /// <summary>Partitions query <paramref name="j"/>'s slots so that the best <c>capacity</c> come first (quickselect
    /// on score descending, row ascending), drops the rest and sets the threshold to the worst kept score.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Select(int j)
    {
        Entry* e = _entries + ((long)j * _slots);
        int lo = 0, hi = _counts[j] - 1, nth = _capacity - 1;
        while (lo < hi)
        {
            Entry pivot = e[lo + ((hi - lo) / 2)];
            int a = lo, b = hi;
            while (a <= b)
            {
                while (Better(e[a], pivot))
                {
                    a++;
                }

                while (Better(pivot, e[b]))
                {
                    b--;
                }

                if (a <= b)
                {
                    (e[a], e[b]) = (e[b], e[a]);
                    a++;
                    b--;
                }
            }

            if (nth <= b)
            {
                hi = b;
            }
            else if (nth >= a)
            {
                lo = a;
            }
            else
            {
                break;
            }
        }

        _counts[j] = _capacity;
        float worst = float.PositiveInfinity;
        for (int i = 0; i < _capacity; i++)
        {
            worst = Math.Min(worst, e[i].Score);
        }

        _thresholds[j] = worst;
    }

    /// <summary>The kept order: higher score, then lower row (−0 and +0 tie, as in <see cref="RowHeap"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Better(Entry x, Entry y) => x.Score > y.Score || (x.Score == y.Score && x.Row < y.Row);

    /// <inheritdoc />
    public void Dispose()
    {
        NativeMemory.AlignedFree(_entries);
        NativeMemory.Free(_counts);
        NativeMemory.Free(_thresholds);
    }
}
