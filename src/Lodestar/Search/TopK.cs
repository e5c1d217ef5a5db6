using System.Runtime.CompilerServices;

namespace Lodestar.Search;

/// <summary>
/// Selects the k best documents an <see cref="Accumulator"/> touched: score descending, then external document id
/// ascending (ordinal), so that the result does not depend on the order of the corpus file; the gensim reference run
/// in ../shared orders its ties the same way.
/// </summary>
/// <remarks>
/// Two passes over the n touched documents, O(n + k log k + t log t) for t documents tied at the k-th score, O(k + t)
/// memory. The first keeps the k best scores in a min-heap of doubles; a candidate enters only when strictly better
/// than the worst kept, so the many ties of short passages never churn the heap. Its minimum is the k-th best score T.
/// The second takes every document above T and, of those at T, the ones with the smallest external ids, which it
/// reads only for these documents (no table of every id's rank, which took an O(N log N) sort when an index was
/// first searched). (A single heap of (doc, score) that breaks ties by id re-sifts on every tie: 40 % of search time
/// on the benchmark corpus.)
/// </remarks>
internal static class TopK
{
    /// <summary>The k best of <paramref name="acc"/>'s touched documents, best first, with their external ids (from
    /// <paramref name="idOf"/>), skipping the documents <paramref name="excluded"/> accepts (asked only of documents good
    /// enough to be kept, so it may read their external ids); scores rounded to float first when
    /// <paramref name="asFloat"/> (Lucene mode).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Doc, double Score, string Id)[] Select(Accumulator acc, int k, Func<int, string> idOf, Func<int, bool>? excluded, bool asFloat)
    {
        if (k == 0)
        {
            return [];
        }

        double threshold = KthBest(acc, k, excluded, asFloat);
        var chosen = new List<Ranked>(Math.Min(k, acc.TouchedCount));
        var ties = new List<Ranked>();
        double[] scores = acc.Scores;
        for (int i = 0; i < acc.TouchedCount; i++)
        {
            int doc = acc.Touched[i];
            double score = asFloat ? (float)scores[doc] : scores[doc];
            if (score < threshold || (excluded is not null && excluded(doc)))
            {
                continue;
            }

            (score > threshold ? chosen : ties).Add(new Ranked(doc, score, idOf(doc)));
        }

        ties.Sort();
        chosen.AddRange(ties.Take(k - chosen.Count));
        chosen.Sort();
        return [.. chosen.Select(r => (r.Doc, r.Score, r.Id))];
    }

    /// <summary>The k-th best score of the touched documents not excluded, or −∞ when there are fewer than k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double KthBest(Accumulator acc, int k, Func<int, bool>? excluded, bool asFloat)
    {
        double[] heap = new double[k];
        int count = 0;
        double[] scores = acc.Scores;
        for (int i = 0; i < acc.TouchedCount; i++)
        {
            int doc = acc.Touched[i];
            double score = asFloat ? (float)scores[doc] : scores[doc];
            if ((count == k && score <= heap[0]) || (excluded is not null && excluded(doc)))
            {
                continue;
            }

            if (count < k)
            {
                int at = count++;
                heap[at] = score;
                while (at > 0 && heap[(at - 1) >> 1] > heap[at])
                {
                    (heap[at], heap[(at - 1) >> 1]) = (heap[(at - 1) >> 1], heap[at]);
                    at = (at - 1) >> 1;
                }
            }
            else
            {
                SiftDown(heap, score);
            }
        }

        return count == k ? heap[0] : double.NegativeInfinity;
    }

    /// <summary>Replaces the heap's minimum with <paramref name="score"/> and restores the heap.</summary>
    private static void SiftDown(double[] heap, double score)
    {
        int at = 0;
        while (true)
        {
            int child = (2 * at) + 1;
            if (child >= heap.Length)
            {
                break;
            }

            if (child + 1 < heap.Length && heap[child + 1] < heap[child])
            {
                child++;
            }

            if (heap[child] >= score)
            {
                break;
            }

            heap[at] = heap[child];
            at = child;
        }

        heap[at] = score;
    }

    /// <summary>A document with its score and external id, ordered best first.</summary>
    private readonly record struct Ranked(int Doc, double Score, string Id) : IComparable<Ranked>
    {
        public int CompareTo(Ranked other) => Score != other.Score ? other.Score.CompareTo(Score) : string.CompareOrdinal(Id, other.Id);
    }
}
