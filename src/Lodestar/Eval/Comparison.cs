namespace Lodestar.Eval;

/// <summary>One run against the baseline on one measure.</summary>
/// <param name="Run">The compared run.</param>
/// <param name="MeasureId">The trec_eval measure id.</param>
/// <param name="Delta">Mean(run) − mean(baseline) over the common topics.</param>
/// <param name="TTestP">Two-sided paired t-test p-value.</param>
/// <param name="RandomizationP">Two-sided paired randomization test p-value.</param>
/// <param name="HolmP">Randomization p adjusted by Holm–Bonferroni over the runs compared on this measure.</param>
/// <param name="Wins">Topics where the run is better.</param>
/// <param name="Ties">Topics with equal values.</param>
/// <param name="Losses">Topics where the run is worse.</param>
public sealed record Comparison(string Run, string MeasureId, double Delta, double TTestP, double RandomizationP, double HolmP, int Wins, int Ties, int Losses)
{
    /// <summary>Compares every run with <paramref name="reports"/>[0] on every measure except counts.</summary>
    public static List<Comparison> Compute(IReadOnlyList<EvalReport> reports, int permutations, int seed)
    {
        EvalReport baseline = reports[0];
        var topics = reports.Skip(1).Aggregate((IEnumerable<string>)baseline.TopicIds, (acc, r) => acc.Intersect(r.TopicIds)).ToList();
        var result = new List<Comparison>();
        foreach (Measure m in baseline.Measures.Where(m => m.Aggregation == Aggregation.Mean))
        {
            double[] b = [.. topics.Select(t => baseline.Value(t, m.Id))];
            var row = new List<Comparison>();
            foreach (EvalReport other in reports.Skip(1))
            {
                double[] a = [.. topics.Select(t => other.Value(t, m.Id))];
                int wins = a.Zip(b).Count(p => p.First > p.Second);
                int losses = a.Zip(b).Count(p => p.First < p.Second);
                row.Add(new Comparison(other.RunName, m.Id, a.Average() - b.Average(), Significance.PairedTTest(a, b),
                    Significance.RandomizationTest(a, b, permutations, seed), 0, wins, topics.Count - wins - losses, losses));
            }

            double[] holm = Significance.Holm([.. row.Select(c => c.RandomizationP)]);
            result.AddRange(row.Select((c, i) => c with { HolmP = holm[i] }));
        }

        return result;
    }
}
