using Lodestar.Fusion;
using Lodestar.Model;

namespace Lodestar.Tests.Fusion;

/// <summary>
/// Every fusion method and normalisation against a worked example computed by hand from its definition.
/// </summary>
/// <remarks>
/// Topic q, three runs. A: d1 10, d2 8, d3 6, d4 2. B: d2 0.75, d1 0.5, d5 0.25. C: d3 5, d2 4. So N = 5 documents;
/// ranks A: d1 1, d2 2, d3 3, d4 4; B: d2 1, d1 2, d5 3; C: d3 1, d2 2. Min-max scores A: d1 1, d2 0.75, d3 0.5,
/// d4 0; B: d2 1, d1 0.5, d5 0; C: d3 1, d2 0.
/// </remarks>
public sealed class FusionMethodTests
{
    private static readonly (Run, double)[] s_runs =
    [
        (RunOf("A", ("d1", 10), ("d2", 8), ("d3", 6), ("d4", 2)), 0.5),
        (RunOf("B", ("d2", 0.75), ("d1", 0.5), ("d5", 0.25)), 0.3),
        (RunOf("C", ("d3", 5), ("d2", 4)), 0.2),
    ];

    private static Run RunOf(string name, params (string Doc, double Score)[] hits)
    {
        var run = new Run(name);
        run.Set("q", [.. hits.Select(h => new Hit(h.Doc, h.Score))]);
        return run;
    }

    private static void AssertFused(FusionMethod method, (string Doc, double Score)[] expected, ScoreNormalization? norm = null, (Run, double)[]? runs = null)
    {
        Run fused = RunFusion.Fuse(runs ?? s_runs, new FusionOptions { Method = method, Normalization = norm });
        Assert.Equal(expected.Select(e => e.Doc), fused["q"].Select(h => h.DocId));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Score, fused["q"][i].Score, 12);
        }
    }

    [Fact]
    public void CombSum_adds_min_max_scores_ties_by_doc_id() =>
        AssertFused(FusionMethod.CombSum, [("d2", 1.75), ("d1", 1.5), ("d3", 1.5), ("d4", 0), ("d5", 0)]);

    [Fact]
    public void CombMnz_multiplies_the_sum_by_the_runs_that_retrieve() =>
        AssertFused(FusionMethod.CombMnz, [("d2", 5.25), ("d1", 3), ("d3", 3), ("d4", 0), ("d5", 0)]);

    [Fact]
    public void CombAnz_divides_the_sum_by_the_runs_that_retrieve() =>
        AssertFused(FusionMethod.CombAnz, [("d1", 0.75), ("d3", 0.75), ("d2", 1.75 / 3), ("d4", 0), ("d5", 0)]);

    [Fact]
    public void CombMax_CombMin_CombMed_take_the_extremes_and_median()
    {
        AssertFused(FusionMethod.CombMax, [("d1", 1), ("d2", 1), ("d3", 1), ("d4", 0), ("d5", 0)]);
        AssertFused(FusionMethod.CombMin, [("d1", 0.5), ("d3", 0.5), ("d2", 0), ("d4", 0), ("d5", 0)]);
        // d2: median of (0.75, 1, 0) = 0.75; d1: mean of the middle two (1, 0.5).
        AssertFused(FusionMethod.CombMed, [("d1", 0.75), ("d2", 0.75), ("d3", 0.75), ("d4", 0), ("d5", 0)]);
        // Without normalisation the raw scores: d2 median of (8, 0.75, 4) = 4.
        AssertFused(FusionMethod.CombMed, [("d3", 5.5), ("d1", 5.25), ("d2", 4), ("d4", 2), ("d5", 0.25)], ScoreNormalization.None);
    }

    [Fact]
    public void WeightedSum_weighs_each_run() =>
        // d1 0.5·1 + 0.3·0.5; d2 0.5·0.75 + 0.3·1 + 0.2·0; d3 0.5·0.5 + 0.2·1
        AssertFused(FusionMethod.WeightedSum, [("d2", 0.675), ("d1", 0.65), ("d3", 0.45), ("d4", 0), ("d5", 0)]);

    [Fact]
    public void Rrf_adds_weighted_reciprocal_ranks() =>
        AssertFused(FusionMethod.Rrf, [("d2", (0.5 / 62) + (0.3 / 61) + (0.2 / 62)), ("d1", (0.5 / 61) + (0.3 / 62)),
            ("d3", (0.5 / 63) + (0.2 / 61)), ("d4", 0.5 / 64), ("d5", 0.3 / 63)]);

    [Fact]
    public void Isr_and_LogIsr_scale_inverse_square_ranks_by_the_count()
    {
        AssertFused(FusionMethod.Isr, [("d2", 3 * 1.5), ("d1", 2 * 1.25), ("d3", 2 * (1 + (1.0 / 9))), ("d5", 1.0 / 9), ("d4", 1.0 / 16)]);
        // A document one run retrieves gets ln 1 = 0.
        AssertFused(FusionMethod.LogIsr, [("d2", Math.Log(3) * 1.5), ("d1", Math.Log(2) * 1.25), ("d3", Math.Log(2) * 10 / 9), ("d4", 0), ("d5", 0)]);
    }

    [Fact]
    public void Borda_gives_points_by_rank_and_shares_the_rest_among_the_missing()
    {
        // A: d1 5, d2 4, d3 3, d4 2, d5 (5−4+1)/2 = 1. B: d2 5, d1 4, d5 3, d3 d4 1.5. C: d3 5, d2 4, d1 d4 d5 2.
        AssertFused(FusionMethod.Borda, [("d2", 13), ("d1", 11), ("d3", 9.5), ("d5", 6), ("d4", 5.5)]);
        AssertFused(FusionMethod.WeightedBorda, [("d2", 4.3), ("d1", 4.1), ("d3", 2.95), ("d4", 1.85), ("d5", 1.8)]);
    }

    [Fact]
    public void Condorcet_sorts_by_pairwise_majority()
    {
        (Run, double)[] equal = [.. s_runs.Select(r => (r.Item1, 1.0))];
        // d2 beats everyone 2-1 or better, d1 beats d3 (A, B), d3 beats d4 and d5; d4 and d5 tie 1-1 (doc id order).
        AssertFused(FusionMethod.Condorcet, [("d2", 5), ("d1", 4), ("d3", 3), ("d4", 2), ("d5", 1)], runs: equal);
        // Weights 0.2/0.6/0.2: B now carries d5 over d3 (0.6 against 0.4) and over d4.
        (Run, double)[] weighted = [(s_runs[0].Item1, 0.2), (s_runs[1].Item1, 0.6), (s_runs[2].Item1, 0.2)];
        AssertFused(FusionMethod.Condorcet, [("d2", 5), ("d1", 4), ("d5", 3), ("d3", 2), ("d4", 1)], runs: weighted);
    }

    [Fact]
    public void Normalisations_follow_their_definitions()
    {
        Hit[] a = [new("d1", 10), new("d2", 8), new("d3", 6), new("d4", 2)];
        string[] candidates = ["d1", "d2", "d3", "d4", "d5"];
        Dictionary<string, double> Of(ScoreNormalization n) => ScoreNormalizer.Normalize(a, n, candidates);

        Assert.Equal([10, 8, 6, 2], Of(ScoreNormalization.None).Values);
        Assert.Equal([1, 0.75, 0.5, 0], Of(ScoreNormalization.MinMax).Values);
        Assert.Equal([1, 0.8, 0.6, 0.2], Of(ScoreNormalization.Max).Values.Select(v => Math.Round(v, 12)));
        Assert.Equal([10.0 / 26, 8.0 / 26, 6.0 / 26, 2.0 / 26], Of(ScoreNormalization.Sum).Values);
        double std = Math.Sqrt(8.75); // mean 6.5; squared deviations 12.25 + 2.25 + 0.25 + 20.25 = 35, over 4
        Assert.Equal([3.5 / std, 1.5 / std, -0.5 / std, -4.5 / std], Of(ScoreNormalization.ZScore).Values);
        Assert.Equal([1, 0.75, 0.5, 0.25], Of(ScoreNormalization.Rank).Values);
        Dictionary<string, double> borda = Of(ScoreNormalization.Borda);
        Assert.Equal([1, 0.8, 0.6, 0.4, 0.2], candidates.Select(c => Math.Round(borda[c], 12)));   // d5: 0.5 − 3/10
    }

    [Fact]
    public void A_normalisation_changes_a_score_fusion()
    {
        // Rank normalisation: A d1 1, d2 .75, d3 .5, d4 .25; B d2 1, d1 2/3, d5 1/3; C d3 1, d2 .5
        AssertFused(FusionMethod.CombSum, [("d2", 2.25), ("d1", 1 + (2.0 / 3)), ("d3", 1.5), ("d5", 1.0 / 3), ("d4", 0.25)], ScoreNormalization.Rank);
        // Max normalisation: A d1 1, d2 .8, d3 .6, d4 .2; B d2 1, d1 2/3, d5 1/3; C d3 1, d2 .8
        AssertFused(FusionMethod.CombMax, [("d1", 1), ("d2", 1), ("d3", 1), ("d5", 1.0 / 3), ("d4", 0.2)], ScoreNormalization.Max);
    }

    [Fact]
    public void A_rank_method_refuses_a_normalisation() =>
        Assert.Contains("does not take a normalisation", Assert.Throws<ArgumentException>(() =>
            RunFusion.Fuse(s_runs, new FusionOptions { Method = FusionMethod.Borda, Normalization = ScoreNormalization.ZScore })).Message);

    [Fact]
    public void Depth_cuts_each_topic() =>
        Assert.Equal(["d2", "d1"], RunFusion.Fuse(s_runs, new FusionOptions { Method = FusionMethod.Borda, Depth = 2 })["q"].Select(h => h.DocId));
}
