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
/// One native block for all queries (query j's slots at <c>j · slots</c>), so a candidate costs one store, and the
/// scan can prefetch the next queries' slot ends (<see cref="Prefetch"/>): with an object per query the appends were
/// cache misses and took most of the candidate cost. Each slot is one 64-bit key that orders like the kept order (the
/// score's bits made monotonic above, the row's complement below), so the selection compares integers without
/// branching on them; −0 is stored as +0 (they tie in that order, and scores come from a <c>&gt;</c> compare, so never NaN).
/// </remarks>
internal sealed unsafe class TopBuffer : IDisposable
{
    private readonly int _capacity, _slots, _queries;
    private readonly ulong* _entries;
    private readonly int* _counts;
    private readonly float* _thresholds;

    /// <summary>Buffers for <paramref name="queries"/> queries keeping <paramref name="capacity"/> rows each, with room
    /// for <paramref name="slack"/> × as many before a selection.</summary>
    public TopBuffer(int queries, int capacity, int slack = 4)
    {
        _queries = queries;
        _capacity = capacity;
        _slots = capacity * Math.Max(2, slack);
        _entries = (ulong*)NativeMemory.AlignedAlloc((nuint)((long)queries * _slots * sizeof(ulong)), 64);
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
        _entries[((long)j * _slots) + n] = Key(score, row);
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
        ulong* e = _entries + ((long)j * _slots);
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = (RowOf(e[i]), ScoreOf(e[i]));
        }

        return items;
    }

    /// <summary>Copies the rows kept for query <paramref name="j"/> (at most capacity, in no order) to
    /// <paramref name="destination"/>; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int CopyRows(int j, Span<int> destination)
    {
        if (_counts[j] > _capacity)
        {
            Select(j);
        }

        ulong* e = _entries + ((long)j * _slots);
        for (int i = 0; i < _counts[j]; i++)
        {
            destination[i] = RowOf(e[i]);
        }

        return _counts[j];
    }

    /// <summary>Moves query <paramref name="j"/>'s best <c>capacity</c> keys to its first slots (a quickselect whose
    /// partition does not branch on the comparison), drops the rest and sets the threshold to the worst kept score.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Select(int j)
    {
        ulong* e = _entries + ((long)j * _slots);
        int lo = 0, hi = _counts[j], want = _capacity;

        // invariant: [0, lo) are above every key of [lo, hi), which are above every key of [hi, count), and
        // lo < want <= hi. Keys are distinct (one per row), so the median of three is neither the range's greatest nor
        // its least, and each pass strictly shrinks the range (the pivot stays in [above, hi), so above < hi).
        while (hi - lo > 16)
        {
            ulong a = e[lo], b = e[lo + ((hi - lo) / 2)], c = e[hi - 1];
            ulong pivot = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
            int above = lo;
            for (int i = lo; i < hi; i++)
            {
                ulong x = e[i];
                e[i] = e[above];
                e[above] = x;
                above += x > pivot ? 1 : 0;
            }

            if (above == lo)
            {
                break; // only with equal keys, which the scans never offer: the insertion below still orders them
            }

            if (above >= want)
            {
                hi = above;
            }
            else
            {
                lo = above;
            }
        }

        for (int i = lo + 1; i < hi; i++) // the last few by insertion, descending
        {
            ulong x = e[i];
            int k = i - 1;
            for (; k >= lo && e[k] < x; k--)
            {
                e[k + 1] = e[k];
            }

            e[k + 1] = x;
        }

        _counts[j] = _capacity;
        _thresholds[j] = ScoreOf(e[_capacity - 1]);
    }

    /// <summary>The slot key of (row, score): greater for a higher score, then for a lower row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Key(float score, int row)
    {
        uint bits = BitConverter.SingleToUInt32Bits(score);
        bits = bits == 0x8000_0000u ? 0 : bits; // −0 as +0
        uint monotonic = bits ^ ((uint)((int)bits >> 31) | 0x8000_0000u); // negative: all bits flipped; else the sign bit set
        return ((ulong)monotonic << 32) | ~(uint)row;
    }

    /// <summary>The row of a slot key.</summary>
    internal static int RowOf(ulong key) => (int)~(uint)key;

    /// <summary>The score of a slot key (−0 comes back as +0).</summary>
    internal static float ScoreOf(ulong key)
    {
        uint monotonic = (uint)(key >> 32);
        return BitConverter.UInt32BitsToSingle((monotonic & 0x8000_0000u) != 0 ? monotonic ^ 0x8000_0000u : ~monotonic);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        NativeMemory.AlignedFree(_entries);
        NativeMemory.Free(_counts);
        NativeMemory.Free(_thresholds);
    }
}
