namespace Lodestar.Eval;

/// <summary>The result of evaluating one run: per-topic values and the "all" aggregate of each measure.</summary>
/// <param name="RunName">The run tag (trec_eval's runid).</param>
/// <param name="Measures">The measures, in print order.</param>
/// <param name="TopicIds">The evaluated topics, in trec_eval's order (ordinal).</param>
/// <param name="PerTopic">Values per topic, indexed like <paramref name="Measures"/>.</param>
/// <param name="All">The aggregate per measure.</param>
public sealed record EvalReport(
    string RunName,
    IReadOnlyList<Measure> Measures,
    IReadOnlyList<string> TopicIds,
    IReadOnlyDictionary<string, double[]> PerTopic,
    double[] All)
{
    /// <summary>relstring per topic, when the measure was asked for.</summary>
    public IReadOnlyDictionary<string, string>? RelStrings { get; init; }

    /// <summary>Whether values are z-scores (<c>-Z</c>); trec_eval then prefixes names with Z and prints counts
    /// with four decimals.</summary>
    public bool ZScored { get; init; }

    /// <summary>The aggregate of the measure printed as <paramref name="id"/> (such as <c>ndcg_cut_10</c>).</summary>
    public double this[string id] => All[IndexOf(id)];

    /// <summary>The value of <paramref name="id"/> for one topic.</summary>
    public double Value(string topic, string id) => PerTopic[topic][IndexOf(id)];

    private int IndexOf(string id)
    {
        for (int i = 0; i < Measures.Count; i++)
        {
            if (Measures[i].Id == id)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"measure '{id}' was not evaluated");
    }
}
