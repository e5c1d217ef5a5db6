using Lodestar.Model;

namespace Lodestar.Fusion;

/// <summary>CondorcetFuse (Montague and Aslam 2002): a sort by pairwise majority vote of the runs.</summary>
/// <remarks>
/// Run i votes for d over e, with weight w_i, when it ranks d above e; a document a run misses ranks below all it
/// retrieves, and a run that misses both does not vote. d goes before e when its votes are at least e's. A stable
/// merge sort of the candidates (doc id order) with this comparison gives the fused order; in a Condorcet cycle the
/// result depends on that initial order, as it does in the paper's quicksort. O(N log N · runs) comparisons.
/// </remarks>
internal static class CondorcetFuse
{
    /// <summary>Score <c>N − position</c> for each candidate.</summary>
    public static Dictionary<string, double> Scores(IReadOnlyList<(IReadOnlyList<Hit> Ranked, double Weight)> lists, List<string> candidates)
    {
        var ranks = new List<(Dictionary<string, int> Rank, double Weight)>(lists.Count);
        foreach ((IReadOnlyList<Hit> ranked, double weight) in lists)
        {
            var rank = new Dictionary<string, int>(ranked.Count, StringComparer.Ordinal);
            for (int i = 0; i < ranked.Count; i++)
            {
                rank.TryAdd(ranked[i].DocId, i);
            }

            ranks.Add((rank, weight));
        }

        string[] order = [.. candidates];
        MergeSort(order, new string[order.Length], 0, order.Length, (d, e) => Before(d, e, ranks));
        var scores = new Dictionary<string, double>(order.Length, StringComparer.Ordinal);
        for (int i = 0; i < order.Length; i++)
        {
            scores[order[i]] = order.Length - i;
        }

        return scores;
    }

    private static bool Before(string d, string e, List<(Dictionary<string, int> Rank, double Weight)> ranks)
    {
        double forD = 0, forE = 0;
        foreach ((Dictionary<string, int> rank, double weight) in ranks)
        {
            int rd = rank.TryGetValue(d, out int a) ? a : int.MaxValue;
            int re = rank.TryGetValue(e, out int b) ? b : int.MaxValue;
            if (rd < re)
            {
                forD += weight;
            }
            else if (re < rd)
            {
                forE += weight;
            }
        }

        return forD >= forE;
    }

    private static void MergeSort(string[] items, string[] buffer, int from, int to, Func<string, string, bool> before)
    {
        if (to - from < 2)
        {
            return;
        }

        int mid = (from + to) / 2;
        MergeSort(items, buffer, from, mid, before);
        MergeSort(items, buffer, mid, to, before);
        int i = from, j = mid, k = from;
        while (i < mid && j < to)
        {
            // Stable: the left item stays first unless the right one strictly wins.
            buffer[k++] = before(items[i], items[j]) ? items[i++] : items[j++];
        }

        while (i < mid)
        {
            buffer[k++] = items[i++];
        }

        while (j < to)
        {
            buffer[k++] = items[j++];
        }

        Array.Copy(buffer, from, items, from, to - from);
    }
}
