using Lodestar.Eval;
using Lodestar.Model;

namespace Lodestar.Fusion;

/// <summary>
/// Picks fusion weights (or RRF's k) by grid search with k-fold cross-validation over topics, so that no topic's
/// fused ranking is ever chosen by looking at its own judgments (ranx's <c>optimize_fusion</c>, made honest).
/// </summary>
/// <remarks>
/// Judged topics (in the qrels and some run) are sorted by id and dealt round-robin into <c>folds</c> folds. For each
/// fold the grid is searched on the other folds' topics only (the candidate run given to the evaluator holds nothing
/// else), and the best setting fuses the fold's topics. Topics without judgments are fused with the setting chosen on
/// all judged topics. The grid: for RRF, k ∈ {5, 10, 20, …, 100}; for the weighted methods, every weight vector with
/// entries in multiples of <c>step</c> that sum to 1. Ties keep the first setting in grid order.
/// </remarks>
public static class FusionOptimizer
{
    private static readonly int[] s_rrfKs = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

    /// <summary>Cross-validated fusion of <paramref name="runs"/>.</summary>
    /// <exception cref="ArgumentException">The method has nothing to tune, fewer than two folds, or fewer judged
    /// topics than folds.</exception>
    public static (Run Fused, IReadOnlyList<FusionFold> Folds) Optimize(IReadOnlyList<Run> runs, Qrels qrels, Measure measure,
        FusionOptions options, int folds = 5, double step = 0.1)
    {
        if (!FusionOptions.IsWeighted(options.Method))
        {
            throw new ArgumentException($"fusion method '{options.Method}' has no weights or k to tune; --optimize works with rrf, weighted-sum, weighted-borda, condorcet, minmax and zscore");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var topics = runs.SelectMany(r => r.TopicIds).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var judged = topics.Where(qrels.Contains).ToList();
        if (judged.Count < folds)
        {
            throw new ArgumentException($"--optimize needs at least one judged topic per fold: {judged.Count} judged topics for {folds} folds");
        }

        List<(double[] Weights, int K)> grid = Grid(options, runs.Count, step);
        var result = new Run(options.Name);
        var report = new List<FusionFold>();
        for (int f = 0; f < folds; f++)
        {
            var test = judged.Where((_, i) => i % folds == f).ToList();
            var train = judged.Where((_, i) => i % folds != f).ToList();
            ((double[] w, int k), double trainScore) = Best(runs, qrels, measure, options, grid, train);
            Run fused = FuseTopics(runs, options, w, k, test);
            double testScore = Evaluator.Evaluate(qrels, fused, [measure]).All[0];
            Copy(fused, result);
            report.Add(new FusionFold(f + 1, train, test, w, k, trainScore, testScore));
        }

        var unjudged = topics.Where(t => !qrels.Contains(t)).ToList();
        if (unjudged.Count > 0)
        {
            ((double[] w, int k), _) = Best(runs, qrels, measure, options, grid, judged);
            Copy(FuseTopics(runs, options, w, k, unjudged), result);
        }

        var ordered = new Run(options.Name);
        foreach (string t in topics.Where(result.Contains))
        {
            ordered.Set(t, [.. result[t]]);
        }

        return (ordered, report);
    }

    private static ((double[] Weights, int K) Setting, double Score) Best(IReadOnlyList<Run> runs, Qrels qrels, Measure measure,
        FusionOptions options, List<(double[] Weights, int K)> grid, List<string> train)
    {
        (double[], int) best = grid[0];
        double bestScore = double.NegativeInfinity;
        foreach ((double[] w, int k) in grid)
        {
            double score = Evaluator.Evaluate(qrels, FuseTopics(runs, options, w, k, train), [measure]).All[0];
            if (score > bestScore)
            {
                (best, bestScore) = ((w, k), score);
            }
        }

        return (best, bestScore);
    }

    /// <summary>Fuses only <paramref name="topics"/>: the evaluator cannot see any other topic.</summary>
    private static Run FuseTopics(IReadOnlyList<Run> runs, FusionOptions options, double[] weights, int k, List<string> topics)
    {
        var set = new HashSet<string>(topics, StringComparer.Ordinal);
        var restricted = runs.Select((r, i) => (Restrict(r, set), weights[i])).ToList();
        return RunFusion.Fuse(restricted, options with { RrfK = k });
    }

    private static Run Restrict(Run run, HashSet<string> topics)
    {
        var restricted = new Run(run.Name);
        foreach (string t in run.TopicIds.Where(topics.Contains))
        {
            restricted.Set(t, [.. run[t]]);
        }

        return restricted;
    }

    private static void Copy(Run from, Run to)
    {
        foreach (string t in from.TopicIds)
        {
            to.Set(t, [.. from[t]]);
        }
    }

    private static List<(double[] Weights, int K)> Grid(FusionOptions options, int runCount, double step)
    {
        if (options.Method == FusionMethod.Rrf)
        {
            return [.. s_rrfKs.Select(k => (Enumerable.Repeat(1.0, runCount).ToArray(), k))];
        }

        if (step <= 0 || step > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "the weight step must be in (0, 1]");
        }

        int units = (int)Math.Round(1 / step);
        var grid = new List<(double[], int)>();
        var current = new int[runCount];
        void Fill(int index, int left)
        {
            if (index == runCount - 1)
            {
                current[index] = left;
                grid.Add(([.. current.Select(u => Math.Round(u * step, 10))], options.RrfK));
                return;
            }

            for (int u = 0; u <= left; u++)
            {
                current[index] = u;
                Fill(index + 1, left - u);
            }
        }

        Fill(0, units);
        return grid;
    }
}
