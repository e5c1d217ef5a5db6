using Lodestar.Eval;
using Lodestar.Fusion;
using Lodestar.Model;

namespace Lodestar.Tests.Fusion;

/// <summary><see cref="FusionOptimizer"/>: settings chosen on training folds only.</summary>
public sealed class FusionOptimizerTests
{
    // Ten topics t0..t9, each with documents a and b. Run A ranks a over b, run B ranks b over a.
    private static (Run A, Run B) Runs()
    {
        var a = new Run("A");
        var b = new Run("B");
        for (int t = 0; t < 10; t++)
        {
            a.Set($"t{t}", [new Hit("a", 2), new Hit("b", 1)]);
            b.Set($"t{t}", [new Hit("b", 2), new Hit("a", 1)]);
        }

        return (a, b);
    }

    private static Qrels QrelsWhere(Func<int, string> relevant)
    {
        var q = new Qrels();
        for (int t = 0; t < 10; t++)
        {
            q.TryAdd($"t{t}", relevant(t), 1);
        }

        return q;
    }

    [Fact]
    public void Each_fold_is_tuned_on_the_other_folds_and_never_on_its_own_topics()
    {
        (Run a, Run b) = Runs();
        Measure mrr = Measures.Parse(["recip_rank"])[0];
        var options = new FusionOptions { Method = FusionMethod.WeightedSum };
        // Fold 1 tests t0 t2 t4 t6 t8 and trains on the odd topics; fold 2 the reverse.
        Qrels favourA = QrelsWhere(_ => "a");
        Qrels evenFavourB = QrelsWhere(t => t % 2 == 0 ? "b" : "a");

        (Run fusedA, IReadOnlyList<FusionFold> foldsA) = FusionOptimizer.Optimize([a, b], favourA, mrr, options, folds: 2);
        (Run fusedB, IReadOnlyList<FusionFold> foldsB) = FusionOptimizer.Optimize([a, b], evenFavourB, mrr, options, folds: 2);

        Assert.Equal(["t0", "t2", "t4", "t6", "t8"], foldsA[0].TestTopics);
        Assert.Equal(["t1", "t3", "t5", "t7", "t9"], foldsA[0].TrainTopics);
        // Changing the judgments of fold 1's test topics cannot change what fold 1 chose: it never saw them.
        Assert.Equal(foldsA[0].Weights, foldsB[0].Weights);
        // The grid's first setting that ranks a first everywhere: 0.5/0.5 ties a and b, and trec_eval breaks ties
        // by doc id descending (b first), so 0.6/0.4.
        Assert.Equal([0.6, 0.4], foldsA[0].Weights);
        Assert.Equal(1.0, foldsA[0].TrainScore, 12);
        Assert.Equal(1.0, foldsA[0].TestScore, 12);
        // Under evenFavourB, fold 1 still ranks a first on its test topics, whose answer is b: reciprocal rank 1/2.
        Assert.Equal(0.5, foldsB[0].TestScore, 12);
        // Fold 2 trains on the even topics, which now favour B: the first grid point with b above a.
        Assert.Equal([0.0, 1.0], foldsB[1].Weights);
        Assert.Equal("b", fusedB["t1"][0].DocId);
        Assert.Equal("a", fusedA["t1"][0].DocId);
        Assert.Equal(10, fusedA.TopicIds.Count);
    }

    [Fact]
    public void Rrf_tunes_k_and_a_method_without_settings_is_refused()
    {
        (Run a, Run b) = Runs();
        Measure mrr = Measures.Parse(["recip_rank"])[0];
        (_, IReadOnlyList<FusionFold> folds) = FusionOptimizer.Optimize([a, b], QrelsWhere(_ => "a"), mrr, new FusionOptions { Method = FusionMethod.Rrf }, folds: 5);
        Assert.Equal(5, folds.Count);
        Assert.All(folds, f => Assert.Equal(5, f.RrfK));   // every k ties; the first is kept
        Assert.Throws<ArgumentException>(() => FusionOptimizer.Optimize([a, b], QrelsWhere(_ => "a"), mrr, new FusionOptions { Method = FusionMethod.CombSum }));
        Assert.Throws<ArgumentException>(() => FusionOptimizer.Optimize([a, b], QrelsWhere(_ => "a"), mrr, new FusionOptions { Method = FusionMethod.Rrf }, folds: 11));
    }
}
