namespace Lodestar.Eval;

/// <summary>
/// The catalogue of trec_eval measures (version 10 semantics), in the order <c>-m all_trec</c> prints them, and the
/// parser for <c>-m</c> arguments such as <c>ndcg_cut.10</c>, <c>P.5,10</c> or <c>all_trec</c>.
/// </summary>
public static class Measures
{
    private static readonly double[] s_docCutoffs = [5, 10, 15, 20, 30, 100, 200, 500, 1000];
    private static readonly double[] s_recallLevels = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    private static readonly double[] s_rprecMultiples = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0];

    /// <summary>A measure family: its default parameters and how to compute it at one parameter.</summary>
    private sealed record Family(string Name, Aggregation Aggregation, double[]? Defaults, Func<JudgedRanking, double, double> Compute);

    private static readonly Family[] s_families =
    [
        new("num_q", Aggregation.Sum, null, (_, _) => 1),
        new("num_ret", Aggregation.Sum, null, (r, _) => r.NumRet),
        new("num_rel", Aggregation.Sum, null, (r, _) => r.NumRel),
        new("num_rel_ret", Aggregation.Sum, null, (r, _) => r.NumRelRet),
        new("map", Aggregation.Mean, null, (r, _) => MeasureMath.AveragePrecision(r, int.MaxValue)),
        new("gm_map", Aggregation.GeometricMean, null, (r, _) => MeasureMath.GeoLog(MeasureMath.AveragePrecision(r, int.MaxValue))),
        new("Rprec", Aggregation.Mean, null, (r, _) => MeasureMath.RPrecision(r)),
        new("bpref", Aggregation.Mean, null, (r, _) => MeasureMath.Bpref(r)),
        new("recip_rank", Aggregation.Mean, null, (r, _) => MeasureMath.ReciprocalRank(r)),
        new("iprec_at_recall", Aggregation.Mean, s_recallLevels, MeasureMath.InterpolatedPrecision),
        new("P", Aggregation.Mean, s_docCutoffs, (r, k) => (double)r.RelevantIn((int)k) / k),
        new("recall", Aggregation.Mean, s_docCutoffs, (r, k) => r.NumRel == 0 ? 0 : (double)r.RelevantIn((int)k) / r.NumRel),
        new("infAP", Aggregation.Mean, null, (r, _) => MeasureMath.InferredAp(r)),
        new("gm_bpref", Aggregation.GeometricMean, null, (r, _) => MeasureMath.GeoLog(MeasureMath.Bpref(r))),
        new("Rprec_mult", Aggregation.Mean, s_rprecMultiples, MeasureMath.RPrecisionMultiple),
        new("utility", Aggregation.Mean, null, (r, _) => r.NumRelRet - (r.NumRet - r.NumRelRet)),
        new("11pt_avg", Aggregation.Mean, null, (r, _) => s_recallLevels.Average(l => MeasureMath.InterpolatedPrecision(r, l))),
        new("binG", Aggregation.Mean, null, (r, _) => GainMeasures.BinaryG(r)),
        new("G", Aggregation.Mean, null, (r, _) => GainMeasures.G(r)),
        new("ndcg", Aggregation.Mean, null, (r, _) => GainMeasures.Ndcg(r, int.MaxValue)),
        new("ndcg_rel", Aggregation.Mean, null, (r, _) => GainMeasures.NdcgRel(r)),
        new("Rndcg", Aggregation.Mean, null, (r, _) => GainMeasures.RNdcg(r)),
        new("ndcg_cut", Aggregation.Mean, s_docCutoffs, (r, k) => GainMeasures.Ndcg(r, (int)k)),
        new("map_cut", Aggregation.Mean, s_docCutoffs, (r, k) => MeasureMath.AveragePrecision(r, (int)k)),
        new("relative_P", Aggregation.Mean, s_docCutoffs, (r, k) => r.NumRel == 0 ? 0 : (double)r.RelevantIn((int)k) / Math.Min(k, r.NumRel)),
        new("success", Aggregation.Mean, [1, 5, 10], (r, k) => r.RelevantIn((int)k) > 0 ? 1 : 0),
        new("set_P", Aggregation.Mean, null, (r, _) => r.NumRet == 0 ? 0 : (double)r.NumRelRet / r.NumRet),
        new("set_relative_P", Aggregation.Mean, null, (r, _) => Math.Min(r.NumRet, r.NumRel) == 0 ? 0 : (double)r.NumRelRet / Math.Min(r.NumRet, r.NumRel)),
        new("set_recall", Aggregation.Mean, null, (r, _) => r.NumRel == 0 ? 0 : (double)r.NumRelRet / r.NumRel),
        new("set_map", Aggregation.Mean, null, (r, _) => r.NumRet == 0 || r.NumRel == 0 ? 0 : (double)r.NumRelRet / r.NumRet * r.NumRelRet / r.NumRel),
        new("set_F", Aggregation.Mean, null, (r, _) => MeasureMath.SetF(r)),
        new("num_nonrel_judged_ret", Aggregation.Sum, null, (r, _) => r.Grades.Count(g => g >= 0 && g < r.RelevanceLevel)),
        new("rbp", Aggregation.Mean, null, (r, _) => GainMeasures.Rbp(r, 0.9)),
        new("rbp_resid", Aggregation.Mean, null, (r, _) => MeasureMath.RbpResidual(r, 0.9)),
        new("unj", Aggregation.Mean, [5, 10, 20], (r, k) => (double)r.Grades.Take((int)k).Count(g => g < 0) / k),
    ];

    /// <summary>Every measure of <c>-m all_trec</c>, in trec_eval's order.</summary>
    public static IReadOnlyList<Measure> AllTrec { get; } = [.. s_families.SelectMany(Expand)];

    /// <summary>Resolves <c>-m</c> arguments (trec_eval syntax) to measures, keeping trec_eval's print order.</summary>
    /// <exception cref="ArgumentException">An unknown measure name or a bad parameter list.</exception>
    public static List<Measure> Parse(IEnumerable<string> specs)
    {
        var chosen = new List<Measure>();
        foreach (string spec in specs)
        {
            if (spec is "all_trec" or "all")
            {
                chosen.AddRange(AllTrec);
                continue;
            }

            string name = spec;
            double[]? parameters = null;
            int dot = spec.IndexOf('.');
            if (dot > 0)
            {
                name = spec[..dot];
                parameters = [.. spec[(dot + 1)..].Split(',').Select(p => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && v >= 0
                    ? v
                    : throw new ArgumentException($"bad parameter '{p}' in measure '{spec}', expected numbers such as ndcg_cut.10,100"))];
            }

            Family family = s_families.FirstOrDefault(f => f.Name == name)
                ?? throw new ArgumentException($"unknown measure '{name}', expected a trec_eval measure such as map, ndcg_cut.10, P.5, recall.100, recip_rank or all_trec");
            if (parameters is not null && family.Defaults is null)
            {
                throw new ArgumentException($"measure '{name}' takes no parameters, found '{spec}'");
            }

            chosen.AddRange(Expand(family with { Defaults = parameters ?? family.Defaults }));
        }

        var order = s_families.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i);
        return [.. chosen.DistinctBy(m => m.Id).OrderBy(m => order[m.Family]).ThenBy(m => m.Parameter ?? 0)];
    }

    private static IEnumerable<Measure> Expand(Family f) => f.Defaults is null
        ? [new Measure(f.Name, null, f.Aggregation, r => f.Compute(r, 0))]
        : f.Defaults.Select(p => new Measure(f.Name, p, f.Aggregation, r => f.Compute(r, p)));
}
