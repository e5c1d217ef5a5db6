namespace Lodestar.Eval;

/// <summary>
/// Which runs each run significantly beats on each measure, as ranx marks them: every run is compared with every
/// other by <see cref="Comparison.Compute"/> (paired randomization test over the topics all runs share, Holm
/// correction over the runs compared with the same baseline on a measure), and a run is marked with the letter of
/// each run it is better than at p &lt; <see cref="Alpha"/>.
/// </summary>
/// <param name="Letters">The letter of each run: a, b, c… in input order.</param>
/// <param name="Beats">For each (run index, measure id): the indices of the runs it significantly beats.</param>
/// <param name="Permutations">Permutations of each randomization test.</param>
/// <param name="Topics">Topics the tests run over.</param>
public sealed record PairwiseSignificance(string[] Letters, IReadOnlyDictionary<(int Run, string Measure), int[]> Beats, int Permutations, int Topics)
{
    /// <summary>The significance level.</summary>
    public const double Alpha = 0.05;

    /// <summary>Compares every pair of <paramref name="reports"/> on every averaged measure.</summary>
    public static PairwiseSignificance Compute(IReadOnlyList<EvalReport> reports, int permutations, int seed)
    {
        var beats = new Dictionary<(int, string), List<int>>();
        for (int baseline = 0; baseline < reports.Count; baseline++)
        {
            int[] others = [.. Enumerable.Range(0, reports.Count).Where(i => i != baseline)];
            List<Comparison> result = Comparison.Compute([reports[baseline], .. others.Select(i => reports[i])], permutations, seed);
            for (int k = 0; k < result.Count; k++)
            {
                // Compute lists, per measure, one comparison per other run in the order given.
                Comparison c = result[k];
                int run = others[k % others.Length];
                if (c.Delta > 0 && c.HolmP < Alpha)
                {
                    if (!beats.TryGetValue((run, c.MeasureId), out List<int>? list))
                    {
                        beats[(run, c.MeasureId)] = list = [];
                    }

                    list.Add(baseline);
                }
            }
        }

        int topics = reports.Skip(1).Aggregate((IEnumerable<string>)reports[0].TopicIds, (acc, r) => acc.Intersect(r.TopicIds)).Count();
        string[] letters = [.. Enumerable.Range(0, reports.Count).Select(i => ((char)('a' + (i % 26))).ToString())];
        return new PairwiseSignificance(letters, beats.ToDictionary(kv => kv.Key, kv => kv.Value.Order().ToArray()), permutations, topics);
    }

    /// <summary>The letters of the runs that run <paramref name="run"/> beats on <paramref name="measureId"/>.</summary>
    public string MarksOf(int run, string measureId) =>
        Beats.TryGetValue((run, measureId), out int[]? beaten) ? string.Concat(beaten.Select(i => Letters[i])) : "";

    /// <summary>One sentence saying what the marks mean.</summary>
    public string Explanation =>
        $"Superscript letters name the runs that a run beats at p < {Alpha} (two-sided paired randomization test, {Permutations:N0} permutations, "
        + $"over the {Topics} topics every run has; Holm–Bonferroni correction over the runs compared with the same run on each measure).";
}
