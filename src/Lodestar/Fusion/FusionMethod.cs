namespace Lodestar.Fusion;

/// <summary>How runs are combined (the methods of ranx; Bassani and Romelli 2022).</summary>
/// <remarks>
/// Notation, per topic: run i ranks document d at r_i(d) (from 1, by score descending, ties by doc id ascending)
/// with score s_i(d), and s'_i(d) after normalisation; n(d) is the number of runs that retrieve d; w_i the run's
/// weight. Score-based methods (Comb*, weighted sum) read s'; rank-based methods (RRF, ISR, Borda, Condorcet) read r.
/// </remarks>
public enum FusionMethod
{
    /// <summary>Reciprocal rank fusion: <c>Σ w_i / (k + r_i(d))</c> (Cormack et al. 2009; k = 60).</summary>
    Rrf,

    /// <summary>Per query and run, <c>(s − min) / (max − min)</c> (1 when all equal), then <c>Σ w·s'</c>
    /// (BGE-Reasoner's hybrid recipe). A document missing from a run adds 0.</summary>
    MinMax,

    /// <summary>Per query and run, <c>(s − mean) / std</c> (population std; 0 when it is 0), then <c>Σ w·z</c>.
    /// A document missing from a run adds that run's lowest z.</summary>
    ZScore,

    /// <summary>CombSUM: <c>Σ s'_i(d)</c> over the runs that retrieve d (Fox and Shaw 1993).</summary>
    CombSum,

    /// <summary>CombMNZ: <c>n(d) · Σ s'_i(d)</c> (Fox and Shaw 1993).</summary>
    CombMnz,

    /// <summary>CombANZ: <c>Σ s'_i(d) / n(d)</c> (Fox and Shaw 1993).</summary>
    CombAnz,

    /// <summary>CombMAX: <c>max s'_i(d)</c> over the runs that retrieve d (Fox and Shaw 1993).</summary>
    CombMax,

    /// <summary>CombMIN: <c>min s'_i(d)</c> over the runs that retrieve d (Fox and Shaw 1993).</summary>
    CombMin,

    /// <summary>CombMED: the median of s'_i(d) over the runs that retrieve d (mean of the middle two when even).</summary>
    CombMed,

    /// <summary>Weighted sum: <c>Σ w_i · s'_i(d)</c>; a run that misses d adds 0.</summary>
    WeightedSum,

    /// <summary>Inverse square rank: <c>n(d) · Σ 1 / r_i(d)²</c> (Mourão et al. 2015).</summary>
    Isr,

    /// <summary>Logarithmic ISR: <c>ln n(d) · Σ 1 / r_i(d)²</c> (Mourão et al. 2015); 0 for a document one run
    /// retrieves.</summary>
    LogIsr,

    /// <summary>BordaFuse: each run gives <c>N − r_i(d) + 1</c> points, N the number of distinct documents of the
    /// topic, and <c>(N − |run| + 1) / 2</c> to each document it misses; points summed (Aslam and Montague 2001).</summary>
    Borda,

    /// <summary>Weighted BordaFuse: <c>Σ w_i · points_i(d)</c> with Borda's points.</summary>
    WeightedBorda,

    /// <summary>CondorcetFuse: documents sorted so that d comes before e when the runs that rank d above e
    /// (weighted by w_i; a missing document ranks below every retrieved one) outvote those ranking e above d, ties
    /// to d (Montague and Aslam 2002); score <c>N − position</c>.</summary>
    Condorcet,
}
