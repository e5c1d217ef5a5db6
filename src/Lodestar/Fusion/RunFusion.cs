using Lodestar.Model;

namespace Lodestar.Fusion;

/// <summary>How runs are combined.</summary>
public enum FusionMethod
{
    /// <summary>Reciprocal rank fusion: <c>Σ w / (k + rank)</c>, rank from 1 (Cormack et al. 2009; k = 60).</summary>
    Rrf,

    /// <summary>Per query and run, <c>(s − min) / (max − min)</c> (1 when all equal), then <c>Σ w·s'</c>
    /// (BGE-Reasoner's hybrid recipe). A document missing from a run adds 0.</summary>
    MinMax,

    /// <summary>Per query and run, <c>(s − mean) / std</c> (population std; 0 when it is 0), then <c>Σ w·z</c>.
    /// A document missing from a run adds that run's lowest z.</summary>
    ZScore,
}

/// <summary>Fuses runs topic by topic; the result keeps the best <c>depth</c> hits, ties by doc id ascending.</summary>
public static class RunFusion
{
    /// <summary>Fuses <paramref name="runs"/> with their weights.</summary>
    /// <param name="runs">(run, weight) pairs.</param>
    /// <param name="method">The method.</param>
    /// <param name="depth">Hits kept per topic.</param>
    /// <param name="rrfK">RRF's k.</param>
    /// <param name="name">The fused run's tag.</param>
    public static Run Fuse(IReadOnlyList<(Run Run, double Weight)> runs, FusionMethod method, int depth = 1000, int rrfK = 60, string name = "fused")
    {
        var fused = new Run(name);
        foreach (string topic in runs.SelectMany(r => r.Run.TopicIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            var contributions = new List<(Dictionary<string, double> Normalized, double Missing, double Weight)>();
            foreach ((Run run, double weight) in runs)
            {
                IReadOnlyList<Hit> hits = run.Contains(topic) ? run[topic] : [];
                contributions.Add((Normalize(hits, method, rrfK, out double missing), missing, weight));
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

    private static Dictionary<string, double> Normalize(IReadOnlyList<Hit> hits, FusionMethod method, int rrfK, out double missing)
    {
        var result = new Dictionary<string, double>(hits.Count, StringComparer.Ordinal);
        missing = 0;
        if (hits.Count == 0)
        {
            return result;
        }

        switch (method)
        {
            case FusionMethod.Rrf:
                int rank = 0;
                foreach (Hit h in hits.OrderByDescending(h => h.Score).ThenBy(h => h.DocId, StringComparer.Ordinal))
                {
                    result[h.DocId] = 1.0 / (rrfK + ++rank);
                }

                break;
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
