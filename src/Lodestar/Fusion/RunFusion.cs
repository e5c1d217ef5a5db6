using Lodestar.Model;

namespace Lodestar.Fusion;

/// <summary>Fuses runs topic by topic; the result keeps the best <c>depth</c> hits, ties by doc id ascending.</summary>
public static class RunFusion
{
    /// <summary>Fuses <paramref name="runs"/> with their weights.</summary>
    /// <param name="runs">(run, weight) pairs.</param>
    /// <param name="method">The method.</param>
    /// <param name="depth">Hits kept per topic.</param>
    /// <param name="rrfK">RRF's k.</param>
    /// <param name="name">The fused run's tag.</param>
    public static Run Fuse(IReadOnlyList<(Run Run, double Weight)> runs, FusionMethod method, int depth = 1000, int rrfK = 60, string name = "fused") =>
        Fuse(runs, new FusionOptions { Method = method, Depth = depth, RrfK = rrfK, Name = name });

    /// <summary>Fuses <paramref name="runs"/> with their weights as <paramref name="options"/> say.</summary>
    /// <param name="runs">(run, weight) pairs; a method that reads no weights ignores them.</param>
    /// <param name="options">Method, normalisation, depth, RRF's k and the fused run's tag.</param>
    /// <exception cref="ArgumentException">A normalisation the method does not take.</exception>
    public static Run Fuse(IReadOnlyList<(Run Run, double Weight)> runs, FusionOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Depth, 1);
        options.EffectiveNormalization();
        if (options.Method is not (FusionMethod.MinMax or FusionMethod.ZScore))
        {
            return FuseByTopic(runs, options);
        }

        FusionMethod method = options.Method;
        int depth = options.Depth;
        var fused = new Run(options.Name);
        foreach (string topic in runs.SelectMany(r => r.Run.TopicIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            var contributions = new List<(Dictionary<string, double> Normalized, double Missing, double Weight)>();
            foreach ((Run run, double weight) in runs)
            {
                IReadOnlyList<Hit> hits = run.Contains(topic) ? run[topic] : [];
                contributions.Add((Normalize(hits, method, out double missing), missing, weight));
                foreach (Hit h in hits)
                {
                    scores.TryAdd(h.DocId, 0);
                }
            }

            foreach (string doc in scores.Keys.ToList())
            {
                double sum = 0;
                foreach ((Dictionary<string, double> normalized, double missing, double weight) in contributions)
                {
                    sum += weight * (normalized.TryGetValue(doc, out double v) ? v : missing);
                }

                scores[doc] = sum;
            }

            fused.Set(topic, [.. scores.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(depth).Select(p => new Hit(p.Key, p.Value))]);
        }

        return fused;
    }

    private static Run FuseByTopic(IReadOnlyList<(Run Run, double Weight)> runs, FusionOptions options)
    {
        var fused = new Run(options.Name);
        foreach (string topic in runs.SelectMany(r => r.Run.TopicIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var lists = runs.Select(r => ((IReadOnlyList<Hit>)InRankOrder(r.Run.Contains(topic) ? r.Run[topic] : []), r.Weight)).ToList();
            Dictionary<string, double> scores = TopicFusion.Fuse(lists, options);
            fused.Set(topic, [.. scores.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(options.Depth).Select(p => new Hit(p.Key, p.Value))]);
        }

        return fused;
    }

    /// <summary>Hits by score descending, ties by doc id ascending, a document listed twice kept once (its best).</summary>
    internal static List<Hit> InRankOrder(IReadOnlyList<Hit> hits)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. hits.OrderByDescending(h => h.Score).ThenBy(h => h.DocId, StringComparer.Ordinal).Where(h => seen.Add(h.DocId))];
    }

    private static Dictionary<string, double> Normalize(IReadOnlyList<Hit> hits, FusionMethod method, out double missing)
    {
        var result = new Dictionary<string, double>(hits.Count, StringComparer.Ordinal);
        missing = 0;
        if (hits.Count == 0)
        {
            return result;
        }

        switch (method)
        {
            case FusionMethod.MinMax:
                double min = hits.Min(h => h.Score), span = hits.Max(h => h.Score) - min;
                foreach (Hit h in hits)
                {
                    result[h.DocId] = span > 0 ? (h.Score - min) / span : 1;
                }

                break;
            default:
                double mean = hits.Average(h => h.Score);
                double std = Math.Sqrt(hits.Sum(h => (h.Score - mean) * (h.Score - mean)) / hits.Count);
                foreach (Hit h in hits)
                {
                    result[h.DocId] = std > 0 ? (h.Score - mean) / std : 0;
                }

                missing = result.Values.Min();
                break;
        }

        return result;
    }
}
