using Lodestar.Errors;
using Lodestar.Model;

namespace Lodestar.Eval;

/// <summary>Evaluates a <see cref="Run"/> against <see cref="Qrels"/> exactly as trec_eval 10 does.</summary>
/// <remarks>
/// Topics evaluated: those in both the run and the qrels, or with <see cref="EvalOptions.CompleteQueries"/> every
/// qrels topic. A topic of the run with no judgments is ignored, as trec_eval ignores it. Cost: O(Σ n log n) for
/// sorting each topic's n hits, then O(n) per measure.
/// </remarks>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="run"/> with <paramref name="measures"/>.</summary>
    /// <exception cref="InputException">No topic of the run is judged (and <c>-c</c> is off).</exception>
    public static EvalReport Evaluate(Qrels qrels, Run run, IReadOnlyList<Measure> measures, EvalOptions? options = null)
    {
        options ??= new EvalOptions();
        var topics = (options.CompleteQueries ? qrels.TopicIds : run.TopicIds.Where(qrels.Contains))
            .Order(StringComparer.Ordinal).ToList();
        if (topics.Count == 0)
        {
            ThrowHelper.Input(run.Name, 0, 0, $"expected topics that the qrels judge, found none of the run's {run.Count} topics in the qrels");
        }

        var perTopic = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var rankings = new JudgedRanking[topics.Count];
        Parallel.For(0, topics.Count, i =>
            rankings[i] = JudgedRanking.Create(run[topics[i]], qrels[topics[i]], options.RelevanceLevel, options.MaxDocsPerTopic));
        double[] sums = new double[measures.Count];
        for (int t = 0; t < topics.Count; t++)
        {
            double[] values = new double[measures.Count];
            for (int m = 0; m < measures.Count; m++)
            {
                values[m] = measures[m].Compute(rankings[t]);
                sums[m] += values[m];
            }

            perTopic[topics[t]] = values;
        }

        double[] all = new double[measures.Count];
        for (int m = 0; m < measures.Count; m++)
        {
            all[m] = measures[m].Aggregation switch
            {
                Aggregation.Sum => sums[m],
                Aggregation.GeometricMean => Math.Exp(sums[m] / topics.Count),
                _ => sums[m] / topics.Count,
            };
        }

        return new EvalReport(run.Name, measures, topics, perTopic, all);
    }
}
