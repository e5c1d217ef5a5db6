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

    /// <summary>Copies the kept rows (in no order) to <paramref name="destination"/>; returns how many.</summary>
    public int CopyRows(Span<int> destination)
    {
        _rows.AsSpan(0, _count).CopyTo(destination);
        return _count;
    }

    /// <summary>The kept rows in <see cref="Sorted"/>'s order (score descending by <see cref="float.CompareTo(float)"/>, then row
    /// ascending), without LINQ; the heap is left empty for reuse. Rows must be distinct (the order is then total).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public (int Row, float Score)[] SortedAndCleared()
    {
        var items = new (int Row, float Score)[_count];
        for (int i = 0; i < _count; i++)
        {
            items[i] = (_rows[i], _scores[i]);
        }

        if (items.Length > 32)
        {
            items.AsSpan().Sort(static (x, y) => Before(x, y) ? -1 : Before(y, x) ? 1 : 0);
        }
        else
        {
            for (int i = 1; i < items.Length; i++) // k is small (10 by default): insertion
            {
                (int Row, float Score) x = items[i];
                int j = i - 1;
                for (; j >= 0 && Before(x, items[j]); j--)
                {
                    items[j + 1] = items[j];
                }

                items[j + 1] = x;
            }
        }

        _count = 0;
        return items;
    }

    private static bool Before((int Row, float Score) x, (int Row, float Score) y) =>
        x.Score.CompareTo(y.Score) is int c && (c > 0 || (c == 0 && x.Row < y.Row));

    public (int Row, float Score)[] Sorted() =>
        [.. Items().OrderByDescending(x => x.Score).ThenBy(x => x.Row)];
}
