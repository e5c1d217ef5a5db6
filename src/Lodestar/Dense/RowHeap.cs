namespace Lodestar.Dense;

/// <summary>A bounded min-heap of (row, score): the root is the worst kept; ties prefer the lower row.</summary>
internal sealed class RowHeap(int capacity)
{
    private readonly int[] _rows = new int[capacity];
    private readonly float[] _scores = new float[capacity];
    private int _count;

    /// <summary>Scores not above this cannot enter (−∞ until full); rows come in ascending order per scan, so a tie loses.</summary>
    public float Threshold => _count < capacity ? float.NegativeInfinity : _scores[0];

    private bool Worse(int i, int j) => _scores[i] < _scores[j] || (_scores[i] == _scores[j] && _rows[i] > _rows[j]);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Offer(int row, float score)
    {
        if (_count < capacity)
        {
            _rows[_count] = row;
            _scores[_count] = score;
            for (int i = _count++; i > 0;)
            {
                int parent = (i - 1) / 2;
                if (!Worse(i, parent))
                {
                    break;
                }

                Swap(i, parent);
                i = parent;
            }

            return;
        }

        if (score < _scores[0] || (score == _scores[0] && row > _rows[0]))
        {
            return;
        }

        _rows[0] = row;
        _scores[0] = score;
        for (int i = 0; ;)
        {
            int l = (2 * i) + 1, r = l + 1, w = i;
            if (l < _count && Worse(l, w))
            {
                w = l;
            }

            if (r < _count && Worse(r, w))
            {
                w = r;
            }

            if (w == i)
            {
                break;
            }

            Swap(i, w);
            i = w;
        }
    }

    private void Swap(int i, int j)
    {
        (_rows[i], _rows[j]) = (_rows[j], _rows[i]);
        (_scores[i], _scores[j]) = (_scores[j], _scores[i]);
    }

    public IEnumerable<(int Row, float Score)> Items()
    {
        for (int i = 0; i < _count; i++)
        {
            yield return (_rows[i], _scores[i]);
        }
    }

    /// <summary>The kept rows, in no order.</summary>
    public int[] Rows() => _rows[.._count];

    /// <summary>Empties the heap for reuse.</summary>
    public void Clear() => _count = 0;

    /// <summary>The kept rows in <see cref="Sorted"/>'s order (score descending by <see cref="float.CompareTo(float)"/>, then row
    /// ascending), without LINQ; the heap is left empty for reuse.</summary>
    public (int Row, float Score)[] SortedAndCleared()
    {
        var items = new (int Row, float Score)[_count];
        for (int i = 0; i < _count; i++)
        {
            items[i] = (_rows[i], _scores[i]);
        }

        items.AsSpan().Sort(static (x, y) => y.Score.CompareTo(x.Score) is int c && c != 0 ? c : x.Row.CompareTo(y.Row)); // rows are distinct: a total order
        _count = 0;
        return items;
    }

    public (int Row, float Score)[] Sorted() =>
        [.. Items().OrderByDescending(x => x.Score).ThenBy(x => x.Row)];
}
