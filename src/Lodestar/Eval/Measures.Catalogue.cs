using Lodestar.Eval.Preferences;
using Scope = Lodestar.Eval.Preferences.PreferenceMeasures.Scope;

namespace Lodestar.Eval;

/// <summary>The measure families in trec_eval's print order (its <c>te_trec_measures</c> array), then Lodestar's
/// additions from ir_measures.</summary>
public static partial class Measures
{
    private static readonly Family[] s_families =
    [
        new("runid", Aggregation.None, ParamKind.None, null, (_, _) => 0) { PerTopic = false },
        new("num_q", Aggregation.Sum, ParamKind.None, null, (_, _) => 1) { PerTopic = false },
        new("num_ret", Aggregation.Sum, ParamKind.None, null, (r, _) => r.NumRet),
        new("num_rel", Aggregation.Sum, ParamKind.None, null, (r, _) => r.NumRel),
        new("num_rel_ret", Aggregation.Sum, ParamKind.None, null, (r, _) => r.NumRelRet),
        new("map", Aggregation.Mean, ParamKind.None, null, (r, _) => MeasureMath.AveragePrecision(r, int.MaxValue)),
        new("gm_map", Aggregation.GeometricMean, ParamKind.None, null, (r, _) => MeasureMath.GeoLog(MeasureMath.AveragePrecision(r, int.MaxValue))) { PerTopic = false },
        new("Rprec", Aggregation.Mean, ParamKind.None, null, (r, _) => MeasureMath.RPrecision(r)),
        new("bpref", Aggregation.Mean, ParamKind.None, null, (r, _) => MeasureMath.Bpref(r)),
        new("recip_rank", Aggregation.Mean, ParamKind.None, null, (r, _) => MeasureMath.ReciprocalRank(r)),
        new("iprec_at_recall", Aggregation.Mean, ParamKind.DoubleCutoffs, "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1", (r, a) => MeasureMath.InterpolatedPrecision(r, a.Cutoff)),
        new("P", Aggregation.Mean, ParamKind.LongCutoffs, "5,10,15,20,30,100,200,500,1000", (r, a) => r.RelevantIn((int)a.Cutoff) / a.Cutoff),
        new("relstring", Aggregation.None, ParamKind.Doubles, "10", (_, _) => 0),
        new("recall", Aggregation.Mean, ParamKind.LongCutoffs, "5,10,15,20,30,100,200,500,1000", (r, a) => r.NumRel == 0 ? 0 : (double)r.RelevantIn((int)a.Cutoff) / r.NumRel),
        new("infAP", Aggregation.Mean, ParamKind.None, null, (r, _) => MeasureMath.InferredAp(r)),
        new("gm_bpref", Aggregation.GeometricMean, ParamKind.None, null, (r, _) => MeasureMath.GeoLog(MeasureMath.Bpref(r))) { PerTopic = false },
        new("Rprec_mult", Aggregation.Mean, ParamKind.DoubleCutoffs, "0.2,0.4,0.6,0.8,1.0,1.2,1.4,1.6,1.8,2.0", (r, a) => MeasureMath.RPrecisionMultiple(r, a.Cutoff)),
        new("utility", Aggregation.Mean, ParamKind.Doubles, "1,-1,0,0", (r, a) => MeasureMath.Utility(r, a.Values)),
        new("11pt_avg", Aggregation.Mean, ParamKind.Doubles, "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1", (r, a) => MeasureMath.ElevenPointAverage(r, a.Values)),
        new("binG", Aggregation.Mean, ParamKind.None, null, (r, _) => GainMeasures.BinaryG(r)),
        new("G", Aggregation.Mean, ParamKind.Pairs, null, (r, a) => GainMeasures.G(r, a.Gains)),
        new("dcg", Aggregation.Mean, ParamKind.Pairs, null, (r, a) => GainMeasures.Dcg(r, int.MaxValue, a.Gains).Dcg),
        new("ideal_dcg", Aggregation.Mean, ParamKind.Pairs, null, (r, a) => GainMeasures.Dcg(r, int.MaxValue, a.Gains).Ideal),
        new("ndcg", Aggregation.Mean, ParamKind.Pairs, null, (r, a) => GainMeasures.Ndcg(r, int.MaxValue, a.Gains)),
        new("ndcg_rel", Aggregation.Mean, ParamKind.Pairs, null, (r, a) => GainMeasures.NdcgRel(r, a.Gains)),
        new("Rndcg", Aggregation.Mean, ParamKind.Pairs, null, (r, a) => GainMeasures.RNdcg(r, a.Gains)),
        new("ndcg_cut", Aggregation.Mean, ParamKind.LongCutoffs, "5,10,15,20,30,100,200,500,1000", (r, a) => GainMeasures.Ndcg(r, (int)a.Cutoff, GainMap.Identity)),
        new("map_cut", Aggregation.Mean, ParamKind.LongCutoffs, "5,10,15,20,30,100,200,500,1000", (r, a) => MeasureMath.AveragePrecision(r, (int)a.Cutoff)),
        new("relative_P", Aggregation.Mean, ParamKind.LongCutoffs, "5,10,15,20,30,100,200,500,1000", (r, a) => r.NumRel == 0 ? 0 : r.RelevantIn((int)a.Cutoff) / Math.Min(a.Cutoff, r.NumRel)),
        new("success", Aggregation.Mean, ParamKind.LongCutoffs, "1,5,10", (r, a) => r.RelevantIn((int)a.Cutoff) > 0 ? 1 : 0),
        new("set_P", Aggregation.Mean, ParamKind.None, null, (r, _) => r.NumRet == 0 ? 0 : (double)r.NumRelRet / r.NumRet),
        new("set_relative_P", Aggregation.Mean, ParamKind.None, null, (r, _) => Math.Min(r.NumRet, r.NumRel) == 0 ? 0 : (double)r.NumRelRet / Math.Min(r.NumRet, r.NumRel)),
        new("set_recall", Aggregation.Mean, ParamKind.None, null, (r, _) => r.NumRel == 0 ? 0 : (double)r.NumRelRet / r.NumRel),

        // trec_eval's order of operations: (relret · relret) / (ret · rel), so half-way values round as it rounds.
        new("set_map", Aggregation.Mean, ParamKind.None, null, (r, _) => r.NumRet == 0 || r.NumRel == 0 ? 0 : ((double)r.NumRelRet * r.NumRelRet) / ((double)r.NumRet * r.NumRel)),
        new("set_F", Aggregation.Mean, ParamKind.Doubles, "1.0", (r, a) => MeasureMath.SetF(r, a.Values[0])),
        new("num_nonrel_judged_ret", Aggregation.Sum, ParamKind.None, null, (r, _) => MeasureMath.NonRelevantJudgedRetrieved(r)),
        new("prefs_num_prefs_poss", Aggregation.Sum, ParamKind.None, null, (r, _) => PreferenceMeasures.Possible(Prefs(r), Scope.All)),
        new("prefs_num_prefs_ful", Aggregation.Sum, ParamKind.None, null, (r, _) => PreferenceMeasures.Fulfilled(Prefs(r), Scope.All)),
        new("prefs_num_prefs_ful_ret", Aggregation.Sum, ParamKind.None, null, (r, _) => PreferenceMeasures.Fulfilled(Prefs(r), Scope.Retrieved)),
        new("prefs_simp", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.Simple(Prefs(r), Scope.All)),
        new("prefs_pair", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.Pair(Prefs(r), Scope.All)),
        new("prefs_avgjg", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.AverageOverGroups(Prefs(r), Scope.All)),
        new("prefs_avgjg_Rnonrel", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.AverageRNonRelevant(Prefs(r), retrievedOnly: false)),
        new("prefs_simp_ret", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.Simple(Prefs(r), Scope.Retrieved)),
        new("prefs_pair_ret", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.Pair(Prefs(r), Scope.Retrieved)),
        new("prefs_avgjg_ret", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.AverageOverGroups(Prefs(r), Scope.Retrieved)),
        new("prefs_avgjg_Rnonrel_ret", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.AverageRNonRelevant(Prefs(r), retrievedOnly: true)),
        new("prefs_simp_imp", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.Simple(Prefs(r), Scope.Implied)),
        new("prefs_pair_imp", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.Pair(Prefs(r), Scope.Implied)),
        new("prefs_avgjg_imp", Aggregation.Mean, ParamKind.None, null, (r, _) => PreferenceMeasures.AverageOverGroups(Prefs(r), Scope.Implied)),

        // Judgment groups (-R qrels_jg): the measure per group, averaged over the topic's groups.
        new("map_avgjg", Aggregation.Mean, ParamKind.None, null, (r, _) => OverGroups(r, g => MeasureMath.AveragePrecision(g, int.MaxValue))),
        new("P_avgjg", Aggregation.Mean, ParamKind.LongCutoffs, "5,10,15,20,30,100,200,500,1000", (r, a) => OverGroups(r, g => g.RelevantIn((int)a.Cutoff) / a.Cutoff)),
        new("Rprec_mult_avgjg", Aggregation.Mean, ParamKind.DoubleCutoffs, "0.2,0.4,0.6,0.8,1.0,1.2,1.4,1.6,1.8,2.0", (r, a) => OverGroups(r, g => MeasureMath.RPrecisionMultiple(g, a.Cutoff))),
        new("rbp", Aggregation.Mean, ParamKind.Pairs, null, (r, a) => GainMeasures.Rbp(r, a.Pair("p", 0.9))),
        new("rbp_resid", Aggregation.Mean, ParamKind.Pairs, null, (r, a) => MeasureMath.RbpResidual(r, a.Pair("p", 0.9))),
        new("unj", Aggregation.Mean, ParamKind.LongCutoffs, "5,10,20", (r, a) => MeasureMath.UnjudgedIn(r, (int)a.Cutoff) / a.Cutoff),

        // ir_measures' measures that trec_eval lacks.
        new("judged", Aggregation.Mean, ParamKind.LongCutoffs, "10", (r, a) => MeasureMath.JudgedAt(r, (int)a.Cutoff)),
        new("err", Aggregation.Mean, ParamKind.LongCutoffs, "20", (r, a) => CascadeMeasures.Err(r, (int)a.Cutoff)),
        new("nerr", Aggregation.Mean, ParamKind.LongCutoffs, "20", (r, a) => CascadeMeasures.NormalizedErr(r, (int)a.Cutoff)),
    ];

    /// <summary>Whether the measure needs preference judgments (<c>-R prefs</c> or <c>-R qrels_prefs</c>).</summary>
    internal static bool NeedsPreferences(Measure m) => m.Family.StartsWith("prefs_", StringComparison.Ordinal);

    private static PreferenceCounts Prefs(JudgedRanking r) =>
        r.Preferences ?? throw new ArgumentException("the prefs_* measures need preference judgments: -R prefs or -R qrels_prefs");

    // Sum over groups, then divided by their number when there are several (trec_eval's order of operations).
    private static double OverGroups(JudgedRanking r, Func<JudgedRanking, double> measure)
    {
        double sum = 0;
        foreach (JudgedRanking g in r.Groups)
        {
            sum += measure(g);
        }

        return r.Groups.Count > 1 ? sum / r.Groups.Count : sum;
    }

    /// <summary>How a family's parameters are written and how many measures they make.</summary>
    private enum ParamKind
    {
        /// <summary>No parameters.</summary>
        None,

        /// <summary>Integer cutoffs, one measure each (<c>P.5,10</c>).</summary>
        LongCutoffs,

        /// <summary>Fractional cutoffs, one measure each, printed with two decimals (<c>iprec_at_recall.0.5</c>).</summary>
        DoubleCutoffs,

        /// <summary>A list of numbers for one measure, printed after the name as given (<c>utility.2,-1,0,0</c>).</summary>
        Doubles,

        /// <summary>name=value pairs for one measure, printed after the name as given (<c>ndcg.1=3,2=9</c>).</summary>
        Pairs,
    }

    /// <summary>A measure family: its parameters' kind and defaults, and its per-topic value.</summary>
    private sealed record Family(string Name, Aggregation Aggregation, ParamKind Kind, string? Defaults, Func<JudgedRanking, MeasureArgs, double> Compute)
    {
        public bool PerTopic { get; init; } = true;
    }
}
