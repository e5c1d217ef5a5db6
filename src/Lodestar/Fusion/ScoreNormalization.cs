namespace Lodestar.Fusion;

/// <summary>How a run's scores are mapped onto a common scale before a score-based fusion, per run and topic.</summary>
/// <remarks>i is a document's 0-based position in its run, n the run's length, N the topic's distinct documents over
/// all runs.</remarks>
public enum ScoreNormalization
{
    /// <summary>Scores as they are.</summary>
    None,

    /// <summary><c>(s − min) / (max − min)</c>; 1 when all scores are equal.</summary>
    MinMax,

    /// <summary><c>s / max</c>; scores unchanged when max is 0.</summary>
    Max,

    /// <summary><c>s / Σ s</c>; scores unchanged when the sum is 0.</summary>
    Sum,

    /// <summary>Zero mean, unit variance: <c>(s − mean) / std</c>, population std; 0 when std is 0.</summary>
    ZScore,

    /// <summary><c>1 − i / n</c>.</summary>
    Rank,

    /// <summary><c>1 − i / N</c>, and <c>0.5 − (n − 1) / (2N)</c> for each document of the topic the run misses
    /// (ranx's Borda normalisation), so every run scores every document.</summary>
    Borda,
}
