namespace Lodestar.Search;

/// <summary>
/// A bounded min-heap keeping the k best (doc, score) pairs: O(n log k) time, O(k) memory, never a full sort.
/// </summary>
/// <remarks>Order: score descending, then external document id ascending (ordinal), so that the result does not
/// depend on the order of the corpus file; the gensim reference run in ../shared orders its ties the same way.</remarks>
internal sealed class TopK
{
    private readonly int _k;
    private readonly (int Doc, double Score)[] _heap;
    private readonly int[] _idRanks;
    private int _count;

    /// <summary>Keeps the best <paramref name="k"/>; ties go to the lower <paramref name="idRanks"/> entry.</summary>
    public TopK(int k, int[] idRanks)
    {
        _k = k;
        _idRanks = idRanks;
        _heap = new (int, double)[Math.Max(k, 1)];
    }

    /// <summary>True when <paramref name="a"/> ranks below <paramref name="b"/>.</summary>
    private bool Worse((int Doc, double Score) a, (int Doc, double Score) b) =>
        a.Score < b.Score || (a.Score == b.Score && _idRanks[a.Doc] > _idRanks[b.Doc]);

    /// <summary>Offers a candidate.</summary>
    public void Add(int doc, double score)
    {
        if (_k == 0)
        {
            return;
        }

        var item = (doc, score);
        if (_count < _k)
        {
            int i = _count++;
            _heap[i] = item;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!Worse(_heap[i], _heap[parent]))
                {
                    break;
                }

                (_heap[i], _heap[parent]) = (_heap[parent], _heap[i]);
                i = parent;
            }
        }
        else if (Worse(_heap[0], item))
        {
            _heap[0] = item;
            int i = 0;
            while (true)
            {
                int l = (2 * i) + 1;
                int r = l + 1;
                int worst = i;
                if (l < _count && Worse(_heap[l], _heap[worst]))
                {
                    worst = l;
                }

                if (r < _count && Worse(_heap[r], _heap[worst]))
                {
                    worst = r;
                }

                if (worst == i)
                {
                    break;
                }

                (_heap[i], _heap[worst]) = (_heap[worst], _heap[i]);
                i = worst;
            }
        }
    }

    /// <summary>The kept pairs, best first.</summary>
    public (int Doc, double Score)[] ToSortedArray()
    {
        var result = _heap.AsSpan(0, _count).ToArray();
        Array.Sort(result, (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : _idRanks[a.Doc].CompareTo(_idRanks[b.Doc]));
        return result;
    }
}
