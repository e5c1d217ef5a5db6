namespace Lodestar.Rerank.Listwise;

/// <summary>The windows of one sweep over a ranked list, bottom first (RankGPT's sliding window).</summary>
public static class SlidingWindow
{
    /// <summary>(start, length) of each window over <paramref name="count"/> candidates, from the bottom up.</summary>
    /// <remarks>
    /// The last window ends at <paramref name="count"/>; each next one ends <paramref name="stride"/> higher; the
    /// sweep stops after the window that starts at 0, so the head is always reranked (rank_llm's loop; RankGPT's own
    /// loop can stop short of the head when count − window is not a multiple of the stride). 100 candidates, window
    /// 20, stride 10: 9 windows, [80, 100) … [0, 20).
    /// </remarks>
    public static List<(int Start, int Length)> Plan(int count, int window, int stride)
    {
        var plan = new List<(int, int)>();
        if (count <= 0)
        {
            return plan;
        }

        int end = count;
        while (true)
        {
            int start = Math.Max(0, end - window);
            plan.Add((start, end - start));
            if (start == 0)
            {
                return plan;
            }

            end -= stride;
        }
    }
}
