using System.Globalization;

namespace Lodestar.Eval;

/// <summary>One trec_eval measure at one parameter, such as <c>ndcg_cut</c> at 10 (printed <c>ndcg_cut_10</c>).</summary>
/// <param name="Family">The trec_eval measure name, such as <c>ndcg_cut</c>.</param>
/// <param name="Parameter">The cutoff or level, or null for measures without one.</param>
/// <param name="Aggregation">How topics combine.</param>
/// <param name="Compute">The per-topic value.</param>
public sealed record Measure(string Family, double? Parameter, Aggregation Aggregation, Func<JudgedRanking, double> Compute)
{
    /// <summary>The printed name when it is not derived from the parameter: trec_eval appends a parameter list as
    /// given (<c>utility_2,-1,0,0</c>, <c>ndcg_1=3,2=9</c>).</summary>
    public string? Label { get; init; }

    /// <summary>Whether trec_eval prints a per-topic line for it with <c>-q</c> (not for num_q, gm_map, gm_bpref).</summary>
    public bool PerTopic { get; init; } = true;

    /// <summary>The name trec_eval prints: <c>P_10</c>, <c>iprec_at_recall_0.50</c>, <c>map</c>.</summary>
    public string Id => Label ?? (Parameter is not double p
        ? Family
        : Family is "iprec_at_recall" or "Rprec_mult" or "Rprec_mult_avgjg"
            ? $"{Family}_{p.ToString("F2", CultureInfo.InvariantCulture)}"
            : $"{Family}_{p.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Whether trec_eval prints the value as an integer.</summary>
    public bool IsCount => Aggregation == Aggregation.Sum;

    /// <summary>Whether the measure has a number per topic (runid and relstring are text, printed by
    /// <see cref="TrecEvalWriter"/> only).</summary>
    public bool IsNumeric => Aggregation != Aggregation.None;
}
