using Lodestar.Llm.Judgments;

namespace Lodestar.Rerank.RetroStar;

/// <summary>Adaptive K (see <see cref="AdaptiveSampling"/>): the rounds after the first, and what they saved.</summary>
public sealed partial class RetroStarReranker
{
    /// <summary>The adaptive settings when they apply (a cap above the minimum), else null: fixed K.</summary>
    private AdaptiveK? AdaptiveSettings => options.Adaptive is { } a && a.Cap > a.Min ? a : null;

    /// <summary>K of the first round: the adaptive minimum, or the fixed K.</summary>
    private int FirstTarget => AdaptiveSettings?.Min ?? options.Samples;

    /// <summary>The pairs that must draw more samples, with their new targets set: per topic, the unsettled pairs
    /// below the cap.</summary>
    private List<Pair> NextRound(List<Pair> pairs)
    {
        AdaptiveK k = AdaptiveSettings!;
        var more = new List<Pair>();
        foreach (IGrouping<string, Pair> topic in pairs.GroupBy(p => p.Topic.Id))
        {
            List<Pair> window = [.. topic];
            int[] targets = AdaptiveSampling.Targets([.. window.Select(p => new PairSamples(ValuesOf(p, p.Target), p.Target, p.Rank))], k);
            for (int i = 0; i < window.Count; i++)
            {
                if (targets[i] > window[i].Target && window[i].Samples.Count > 0)
                {
                    window[i].Target = targets[i];
                    more.Add(window[i]);
                }
            }
        }

        return more;
    }

    /// <summary>The samples a pair integrates at K = <paramref name="k"/>: without re-sampling the first K, with it
    /// the first K parsed ones (among the first K + re-samples).</summary>
    private List<Judgment> Integrated(Pair p, int k)
    {
        IEnumerable<Judgment> all = p.Samples.Take(k + options.Resample);
        return options.Resample == 0 ? [.. all.Take(k)] : [.. all.Where(s => s.Score is not null).Take(k)];
    }

    /// <summary>The values the integration reads from those samples (an unparseable one is 0 under the authors' rule,
    /// else left out).</summary>
    private List<double> ValuesOf(Pair p, int k) =>
        [.. Integrated(p, k).Where(s => s.Score is not null || options.OnFailure == FailureRule.Zero).Select(s => (double)(s.Score ?? 0))];

    /// <summary>The pair's integrated score at K = <paramref name="k"/>, or null when no sample counts.</summary>
    private double? ScoreOf(Pair p, int k)
    {
        List<Judgment> samples = Integrated(p, k);
        return samples.Count == 0 ? null
            : ScoreIntegration.Integrate([.. samples.Select(s => new ParsedScore(s.Score, Enum.Parse<ScoreOutcome>(s.Outcome)))], options.Integration, options.OnFailure);
    }

    /// <summary>What adaptive K did; the rank agreement with fixed K = cap when the store holds the cap's samples
    /// for every scored pair (say, from an earlier fixed-K run on the same store).</summary>
    private AdaptiveReport Report(List<Pair> pairs, int rounds)
    {
        AdaptiveK k = AdaptiveSettings!;
        List<Pair> sampled = [.. pairs.Where(p => p.Samples.Count > 0)];
        long used = sampled.Sum(p => (long)Math.Min(p.Samples.Count, p.Target + options.Resample));
        long fixedK = (long)sampled.Count * k.Cap;
        double? tau = null, minTau = null;
        if (sampled.Count > 0 && sampled.All(p => Missing(p.Samples, k.Cap) == 0))
        {
            List<double> taus = [.. sampled.GroupBy(p => p.Topic.Id).Select(g =>
                AdaptiveSampling.KendallTau(Order([.. g], p => p.Target), Order([.. g], _ => k.Cap)))];
            (tau, minTau) = (taus.Average(), taus.Min());
        }

        return new AdaptiveReport(k.Min, k.Cap, rounds, used, fixedK, sampled.Count(p => p.Target >= k.Cap), tau, minTau);
    }

    /// <summary>A topic's scored documents by score at each pair's K, ties by first-stage rank.</summary>
    private List<string> Order(List<Pair> window, Func<Pair, int> k) =>
        [.. window.Select(p => (p, Score: ScoreOf(p, k(p)))).Where(x => x.Score is not null)
            .OrderByDescending(x => x.Score).ThenBy(x => x.p.Rank).Select(x => x.p.Doc)];
}

/// <summary>What adaptive K did in one rerank (stage).</summary>
/// <param name="Min">Samples every pair drew first.</param>
/// <param name="Cap">The most a pair could draw: the fixed K it replaces.</param>
/// <param name="Rounds">Rounds of sampling (1 = the first samples settled every pair).</param>
/// <param name="Samples">Samples the run integrates (drawn now or found in the store).</param>
/// <param name="FixedSamples">Samples fixed K = cap would have needed for the same pairs.</param>
/// <param name="PairsAtCap">Pairs that reached the cap unsettled.</param>
/// <param name="KendallTau">Mean over topics of Kendall's tau between this ranking and fixed K's; null when the
/// store does not hold the cap's samples for every pair.</param>
/// <param name="MinKendallTau">The lowest topic's tau; null with <paramref name="KendallTau"/>.</param>
public sealed record AdaptiveReport(int Min, int Cap, int Rounds, long Samples, long FixedSamples, int PairsAtCap, double? KendallTau, double? MinKendallTau)
{
    /// <summary>Samples fixed K would have drawn that this run did not need.</summary>
    public long Saved => FixedSamples - Samples;
}
