namespace Lodestar.Rerank.RetroStar;

/// <summary>Adaptive K for Retro*: a pair draws samples until its place among its neighbours is settled, or a cap.</summary>
/// <param name="Min">Samples every pair draws first (at least 2: one sample has no interval).</param>
/// <param name="Cap">Samples a pair may draw at most (the fixed K it replaces, 16 in the authors' cascade).</param>
/// <param name="SdFloor">Smallest standard deviation assumed for a pair's samples (in score points, 0–100): a few
/// samples that agree exactly do not prove the pair never varies.</param>
public sealed record AdaptiveK(int Min = 2, int Cap = 16, double SdFloor = 2.0);

/// <summary>One pair of a topic as the settling rule sees it.</summary>
/// <param name="Values">The sample scores that count (as the integration reads them), in sample order.</param>
/// <param name="Drawn">Samples drawn so far (unparseable ones included).</param>
/// <param name="Rank">First-stage rank: breaks ties of the mean, as the final order does.</param>
public readonly record struct PairSamples(IReadOnlyList<double> Values, int Drawn, int Rank);

/// <summary>
/// The settling rule of adaptive K, pure: order a topic's pairs by the mean of their samples (ties by first-stage
/// rank), give each a 95% interval for the mean it will have at the cap, and call a pair settled when its interval
/// overlaps neither the pair's above nor the pair's below. Unsettled pairs below the cap draw more samples; the rule
/// is applied again after each round, so a pair that moved next to a close neighbour can become unsettled again.
/// </summary>
/// <remarks>
/// <para>The interval is the one that matters for agreeing with fixed K = cap: with n of the cap's samples drawn,
/// the cap's mean is (n·m + S)/cap, S the sum of the cap − n samples to come; its predictive standard deviation is
/// σ·√((cap − n)/(cap·n)) (the unknown mean estimated by m, plus the new samples' own spread), σ the sample standard
/// deviation (at least <see cref="AdaptiveK.SdFloor"/>), times Student's t quantile for n − 1 degrees of freedom.
/// It shrinks to nothing at the cap, where adaptive and fixed K coincide.</para>
/// </remarks>
/// <remarks>Deterministic: the decision depends only on the samples, and sample i is always drawn with seed + i, so
/// a rerun from the store takes the same rounds and asks nothing.</remarks>
public static class AdaptiveSampling
{
    /// <summary>Two-sided 97.5% quantiles of Student's t for 1 to 30 degrees of freedom.</summary>
    private static readonly double[] s_t975 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>The 97.5% quantile of Student's t with <paramref name="df"/> degrees of freedom (≥ 1); beyond 30 the
    /// normal's 1.96 plus the first Cornish–Fisher term.</summary>
    public static double T975(int df) => df < 1 ? double.PositiveInfinity
        : df <= s_t975.Length ? s_t975[df - 1]
        : 1.959964 + (((1.959964 * 1.959964 * 1.959964) + 1.959964) / (4.0 * df));

    /// <summary>The 95% interval of the mean that <paramref name="values"/> will have once extended to
    /// <paramref name="cap"/> samples (see the class remarks), with the standard deviation at least
    /// <paramref name="sdFloor"/>; (−∞, +∞) for fewer than two values, the mean itself at the cap.</summary>
    public static (double Mean, double Low, double High) Interval(IReadOnlyList<double> values, double sdFloor, int cap)
    {
        int n = values.Count;
        if (n == 0)
        {
            return (double.NaN, double.NegativeInfinity, double.PositiveInfinity);
        }

        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= n;
        if (n >= cap)
        {
            return (mean, mean, mean);
        }

        if (n < 2)
        {
            return (mean, double.NegativeInfinity, double.PositiveInfinity);
        }

        double ss = 0;
        foreach (double v in values)
        {
            ss += (v - mean) * (v - mean);
        }

        double sd = Math.Max(Math.Sqrt(ss / (n - 1)), sdFloor);
        double half = T975(n - 1) * sd * Math.Sqrt((double)(cap - n) / ((double)cap * n));
        return (mean, mean - half, mean + half);
    }

    /// <summary>The count a pair with <paramref name="drawn"/> samples asks for next: half as many again (at least
    /// one more), at most <paramref name="cap"/>. From 2: 3, 5, 8, 12, 16.</summary>
    public static int NextCount(int drawn, int cap) => Math.Min(cap, drawn + Math.Max(1, (drawn + 1) / 2));

    /// <summary>Whether each pair of one topic is settled (see the class remarks). A pair with no value counting
    /// (every sample unparseable) takes no place in the order and is settled: more samples are re-sampling's job.</summary>
    public static bool[] Settled(IReadOnlyList<PairSamples> pairs, AdaptiveK k)
    {
        var settled = new bool[pairs.Count];
        var placed = new List<(int Index, double Mean, double Low, double High, int Rank)>(pairs.Count);
        for (int i = 0; i < pairs.Count; i++)
        {
            if (pairs[i].Values.Count == 0)
            {
                settled[i] = true;
                continue;
            }

            (double mean, double low, double high) = Interval(pairs[i].Values, k.SdFloor, k.Cap);
            placed.Add((i, mean, low, high, pairs[i].Rank));
        }

        placed.Sort((a, b) => a.Mean != b.Mean ? b.Mean.CompareTo(a.Mean) : a.Rank.CompareTo(b.Rank));
        for (int p = 0; p < placed.Count; p++)
        {
            bool clearAbove = p == 0 || placed[p - 1].Low > placed[p].High;
            bool clearBelow = p == placed.Count - 1 || placed[p].Low > placed[p + 1].High;
            settled[placed[p].Index] = clearAbove && clearBelow;
        }

        return settled;
    }

    /// <summary>The sample count each pair of one topic should reach next: its current count when it is settled
    /// or at the cap, else <see cref="NextCount"/>. Every target equal to the pair's count means the topic is done.</summary>
    public static int[] Targets(IReadOnlyList<PairSamples> pairs, AdaptiveK k)
    {
        bool[] settled = Settled(pairs, k);
        var targets = new int[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            int drawn = pairs[i].Drawn;
            targets[i] = drawn < k.Min ? k.Min : settled[i] || drawn >= k.Cap ? drawn : NextCount(drawn, k.Cap);
        }

        return targets;
    }

    /// <summary>Kendall's tau between two orders of the same items (tau-a: 1 identical, −1 reversed); items in only
    /// one order are ignored; 1 when fewer than two items are shared.</summary>
    public static double KendallTau<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
        where T : notnull
    {
        var position = new Dictionary<T, int>(b.Count);
        for (int i = 0; i < b.Count; i++)
        {
            position.TryAdd(b[i], i);
        }

        List<int> seq = [.. a.Where(position.ContainsKey).Select(x => position[x])];
        int n = seq.Count;
        if (n < 2)
        {
            return 1;
        }

        long concordant = 0, discordant = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (seq[i] < seq[j])
                {
                    concordant++;
                }
                else
                {
                    discordant++;
                }
            }
        }

        return (double)(concordant - discordant) / ((long)n * (n - 1) / 2);
    }
}
