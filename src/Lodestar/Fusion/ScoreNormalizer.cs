using Lodestar.Model;

namespace Lodestar.Fusion;

/// <summary>Applies a <see cref="ScoreNormalization"/> to one run's hits of one topic.</summary>
public static class ScoreNormalizer
{
    /// <summary>Normalised scores of <paramref name="ranked"/> (already in rank order).</summary>
    /// <param name="ranked">The run's hits for the topic, best first.</param>
    /// <param name="normalization">The normalisation.</param>
    /// <param name="candidates">The topic's distinct documents over all runs (read by Borda only).</param>
    public static Dictionary<string, double> Normalize(IReadOnlyList<Hit> ranked, ScoreNormalization normalization, IReadOnlyCollection<string> candidates)
    {
        var result = new Dictionary<string, double>(ranked.Count, StringComparer.Ordinal);
        if (ranked.Count == 0 && normalization != ScoreNormalization.Borda)
        {
            return result;
        }

        int n = ranked.Count;
        switch (normalization)
        {
            case ScoreNormalization.None:
                Fill(ranked, result, (h, _) => h.Score);
                break;
            case ScoreNormalization.MinMax:
                double min = ranked.Min(h => h.Score), span = ranked.Max(h => h.Score) - min;
                Fill(ranked, result, (h, _) => span > 0 ? (h.Score - min) / span : 1);
                break;
            case ScoreNormalization.Max:
                double max = ranked.Max(h => h.Score);
                Fill(ranked, result, (h, _) => max != 0 ? h.Score / max : h.Score);
                break;
            case ScoreNormalization.Sum:
                double sum = ranked.Sum(h => h.Score);
                Fill(ranked, result, (h, _) => sum != 0 ? h.Score / sum : h.Score);
                break;
            case ScoreNormalization.ZScore:
                double mean = ranked.Average(h => h.Score);
                double std = Math.Sqrt(ranked.Sum(h => (h.Score - mean) * (h.Score - mean)) / n);
                Fill(ranked, result, (h, _) => std > 0 ? (h.Score - mean) / std : 0);
                break;
            case ScoreNormalization.Rank:
                Fill(ranked, result, (_, i) => 1 - ((double)i / n));
                break;
            case ScoreNormalization.Borda:
                double total = candidates.Count;
                Fill(ranked, result, (_, i) => 1 - (i / total));
                foreach (string doc in candidates)
                {
                    result.TryAdd(doc, 0.5 - ((n - 1) / (2 * total)));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "unknown normalisation");
        }

        return result;
    }

    private static void Fill(IReadOnlyList<Hit> ranked, Dictionary<string, double> result, Func<Hit, int, double> value)
    {
        for (int i = 0; i < ranked.Count; i++)
        {
            result[ranked[i].DocId] = value(ranked[i], i);
        }
    }
}
