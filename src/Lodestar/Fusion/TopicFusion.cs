using Lodestar.Model;

namespace Lodestar.Fusion;

/// <summary>Fuses the ranked lists of one topic with one of the ranx methods (see <see cref="FusionMethod"/>).</summary>
internal static class TopicFusion
{
    /// <summary>Fused score of every document of the topic.</summary>
    /// <param name="lists">Each run's hits for the topic in rank order, with the run's weight.</param>
    /// <param name="options">Method, normalisation and RRF's k.</param>
    public static Dictionary<string, double> Fuse(IReadOnlyList<(IReadOnlyList<Hit> Ranked, double Weight)> lists, FusionOptions options)
    {
        var candidates = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((IReadOnlyList<Hit> ranked, _) in lists)
        {
            foreach (Hit h in ranked)
            {
                if (seen.Add(h.DocId))
                {
                    candidates.Add(h.DocId);
                }
            }
        }

        candidates.Sort(StringComparer.Ordinal);
        return options.Method switch
        {
            FusionMethod.Condorcet => CondorcetFuse.Scores(lists, candidates),
            FusionMethod.Rrf => RankSum(lists, (r, _) => 1.0 / (options.RrfK + r), weighted: true, _ => 1),
            FusionMethod.Isr => RankSum(lists, (r, _) => 1.0 / ((double)r * r), weighted: false, n => n),
            FusionMethod.LogIsr => RankSum(lists, (r, _) => 1.0 / ((double)r * r), weighted: false, n => Math.Log(n)),
            FusionMethod.Borda or FusionMethod.WeightedBorda => Borda(lists, candidates.Count, options.Method == FusionMethod.WeightedBorda),
            _ => Combine(lists, options, candidates),
        };
    }

    private static Dictionary<string, double> RankSum(IReadOnlyList<(IReadOnlyList<Hit> Ranked, double Weight)> lists,
        Func<int, int, double> points, bool weighted, Func<int, double> countFactor)
    {
        var sums = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        foreach ((IReadOnlyList<Hit> ranked, double weight) in lists)
        {
            for (int i = 0; i < ranked.Count; i++)
            {
                (double sum, int count) = sums.GetValueOrDefault(ranked[i].DocId);
                sums[ranked[i].DocId] = (sum + ((weighted ? weight : 1) * points(i + 1, ranked.Count)), count + 1);
            }
        }

        return sums.ToDictionary(p => p.Key, p => p.Value.Sum * countFactor(p.Value.Count), StringComparer.Ordinal);
    }

    private static Dictionary<string, double> Borda(IReadOnlyList<(IReadOnlyList<Hit> Ranked, double Weight)> lists, int total, bool weighted)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach ((IReadOnlyList<Hit> ranked, double weight) in lists)
        {
            double w = weighted ? weight : 1;
            var inRun = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < ranked.Count; i++)
            {
                inRun.Add(ranked[i].DocId);
                scores[ranked[i].DocId] = scores.GetValueOrDefault(ranked[i].DocId) + (w * (total - i));
            }

            double unranked = (total - ranked.Count + 1) / 2.0;
            foreach ((IReadOnlyList<Hit> other, _) in lists)
            {
                foreach (Hit h in other)
                {
                    if (inRun.Add(h.DocId))
                    {
                        scores[h.DocId] = scores.GetValueOrDefault(h.DocId) + (w * unranked);
                    }
                }
            }
        }

        return scores;
    }

    private static Dictionary<string, double> Combine(IReadOnlyList<(IReadOnlyList<Hit> Ranked, double Weight)> lists, FusionOptions options, List<string> candidates)
    {
        ScoreNormalization normalization = options.EffectiveNormalization();
        var values = new Dictionary<string, List<(double Score, double Weight)>>(StringComparer.Ordinal);
        foreach ((IReadOnlyList<Hit> ranked, double weight) in lists)
        {
            foreach ((string doc, double score) in ScoreNormalizer.Normalize(ranked, normalization, candidates))
            {
                if (!values.TryGetValue(doc, out List<(double, double)>? list))
                {
                    values[doc] = list = [];
                }

                list.Add((score, weight));
            }
        }

        return values.ToDictionary(p => p.Key, p => Reduce(options.Method, p.Value), StringComparer.Ordinal);
    }

    private static double Reduce(FusionMethod method, List<(double Score, double Weight)> v) => method switch
    {
        FusionMethod.CombSum => v.Sum(x => x.Score),
        FusionMethod.CombMnz => v.Sum(x => x.Score) * v.Count,
        FusionMethod.CombAnz => v.Sum(x => x.Score) / v.Count,
        FusionMethod.CombMax => v.Max(x => x.Score),
        FusionMethod.CombMin => v.Min(x => x.Score),
        FusionMethod.CombMed => Median(v.Select(x => x.Score)),
        FusionMethod.WeightedSum => v.Sum(x => x.Score * x.Weight),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a score-based method"),
    };

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
