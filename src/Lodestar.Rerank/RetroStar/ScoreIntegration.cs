namespace Lodestar.Rerank.RetroStar;

/// <summary>How K sampled scores become one.</summary>
public enum Integration
{
    /// <summary>The arithmetic mean ("mean-score@K", the paper's rule).</summary>
    Mean,

    /// <summary>The median.</summary>
    Median,

    /// <summary>The mean after dropping the lowest and the highest score (K ≥ 3; otherwise the mean).</summary>
    TrimmedMean,
}

/// <summary>What an unparseable sample counts as: an explicit choice, never a silent 0.</summary>
public enum FailureRule
{
    /// <summary>Integrate only the parsed samples; with none, the pair has no score (it keeps its first-stage rank).</summary>
    Skip,

    /// <summary>Count it as 0 and divide by K, as the authors' code does. Only on request.</summary>
    Zero,
}

/// <summary>Combines K samples of one (query, document) pair.</summary>
public static class ScoreIntegration
{
    /// <summary>The integrated score, or null when no sample can count under <paramref name="rule"/>.</summary>
    public static double? Integrate(IReadOnlyList<ParsedScore> samples, Integration integration, FailureRule rule)
    {
        double[] values = [.. samples
            .Where(s => s.Score is not null || rule == FailureRule.Zero)
            .Select(s => (double)(s.Score ?? 0))];
        if (values.Length == 0)
        {
            return null;
        }

        Array.Sort(values);
        return integration switch
        {
            Integration.Median => values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2,
            Integration.TrimmedMean when values.Length >= 3 => values[1..^1].Average(),
            _ => values.Average(),
        };
    }
}
