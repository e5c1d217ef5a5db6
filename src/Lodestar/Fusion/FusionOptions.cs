namespace Lodestar.Fusion;

/// <summary>What <see cref="RunFusion.Fuse(IReadOnlyList{ValueTuple{Model.Run, double}}, FusionOptions)"/> does.</summary>
public sealed record FusionOptions
{
    /// <summary>The combination.</summary>
    public FusionMethod Method { get; init; } = FusionMethod.Rrf;

    /// <summary>The normalisation before a score-based method; null takes the method's default (min-max for the
    /// Comb methods and the weighted sum). Rank-based methods read ranks and refuse a normalisation.</summary>
    public ScoreNormalization? Normalization { get; init; }

    /// <summary>Hits kept per topic.</summary>
    public int Depth { get; init; } = 1000;

    /// <summary>RRF's k.</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>The fused run's tag.</summary>
    public string Name { get; init; } = "fused";

    /// <summary>Whether <paramref name="method"/> reads ranks rather than scores.</summary>
    public static bool IsRankBased(FusionMethod method) => method is FusionMethod.Rrf or FusionMethod.Isr or FusionMethod.LogIsr
        or FusionMethod.Borda or FusionMethod.WeightedBorda or FusionMethod.Condorcet;

    /// <summary>Whether <paramref name="method"/> reads the runs' weights.</summary>
    public static bool IsWeighted(FusionMethod method) => method is FusionMethod.Rrf or FusionMethod.MinMax or FusionMethod.ZScore
        or FusionMethod.WeightedSum or FusionMethod.WeightedBorda or FusionMethod.Condorcet;

    /// <summary>The normalisation actually applied.</summary>
    /// <exception cref="ArgumentException">A normalisation was asked of a rank-based method or of the min-max and
    /// z-score shortcuts, which carry their own.</exception>
    public ScoreNormalization EffectiveNormalization()
    {
        if (IsRankBased(Method) || Method is FusionMethod.MinMax or FusionMethod.ZScore)
        {
            return Normalization is null or ScoreNormalization.None
                ? ScoreNormalization.None
                : throw new ArgumentException($"fusion method '{Method}' does not take a normalisation (found '{Normalization}'); normalisations apply to the Comb methods and the weighted sum");
        }

        return Normalization ?? ScoreNormalization.MinMax;
    }
}
