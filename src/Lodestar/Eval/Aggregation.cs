namespace Lodestar.Eval;

/// <summary>How per-topic values become the "all" value, as trec_eval computes it.</summary>
public enum Aggregation
{
    /// <summary>Arithmetic mean over the evaluated topics.</summary>
    Mean,

    /// <summary>Sum over topics (counts such as <c>num_ret</c>), printed as an integer.</summary>
    Sum,

    /// <summary>Geometric mean: per-topic values are ln(max(v, 0.00001)), the "all" value is exp(mean).</summary>
    GeometricMean,

    /// <summary>Text, not a number: <c>runid</c> and <c>relstring</c>, printed only in trec_eval's format.</summary>
    None,
}
