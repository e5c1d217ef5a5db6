using Lodestar.Errors;
using Lodestar.Eval.Preferences;
using Lodestar.Model;

namespace Lodestar.Eval;

/// <summary>Evaluates a <see cref="Run"/> against <see cref="Qrels"/> exactly as trec_eval 10 does.</summary>
/// <remarks>
/// Topics evaluated: those in both the run and the qrels, or with <see cref="EvalOptions.CompleteQueries"/> every
/// qrels topic. A topic of the run with no judgments is ignored, as trec_eval ignores it. Cost: O(Σ n log n) for
/// sorting each topic's n hits, then O(n) per measure.
/// </remarks>
public static partial class Evaluator
{
    /// <summary>The one document trec_eval's <c>-c</c> gives a topic the run lacks, before zeroing num_ret, utility,
    /// unj, rbp_resid and relstring.</summary>
    private const string MissingTopicDoc = "ceci_nest_pas_un_docno";

    /// <summary>Evaluates <paramref name="run"/> with <paramref name="measures"/>.</summary>
    /// <exception cref="InputException">No topic of the run is judged (and <c>-c</c> is off).</exception>
    public static EvalReport Evaluate(Qrels qrels, Run run, IReadOnlyList<Measure> measures, EvalOptions? options = null)
    {
        options ??= new EvalOptions();
        PreferenceJudgments? prefs = options.Preferences;
        if (prefs is null && measures.Any(Measures.NeedsPreferences))
        {
            throw new ArgumentException("the prefs_* measures need preference judgments: -R prefs or -R qrels_prefs");
        }

        List<string> topics = prefs is null
            ? TopicsToEvaluate(run.Name, run.TopicIds, qrels.TopicIds, qrels.Contains, options)
            : TopicsToEvaluate(run.Name, run.TopicIds, prefs.TopicIds, prefs.Contains, options);

        var rankings = new JudgedRanking[topics.Count];
        long work = topics.Sum(t => run.Contains(t) ? (long)run[t].Count : 1);
        ForEachTopic(topics.Count, work, i =>
        {
            IReadOnlyList<Hit> hits = run.Contains(topics[i]) ? run[topics[i]] : [new Hit(MissingTopicDoc, 1.0)];
            JudgedRanking r = JudgedRanking.Create(hits, qrels[topics[i]], options.RelevanceLevel, options.MaxDocsPerTopic);
            if (qrels.HasGroups)
            {
                r.Groups = [.. qrels.GroupsOf(topics[i]).Select(g => JudgedRanking.Create(hits, g, options.RelevanceLevel, options.MaxDocsPerTopic))];
            }

            if (prefs is not null)
            {
                r.Preferences = PreferenceCounts.Compute(topics[i], hits, prefs[topics[i]], options.MaxDocsPerTopic);
            }

            rankings[i] = r;
        });
        return Summarize(run.Name, topics, rankings, run.Contains, measures, options, work);
    }

    // Judgment groups and preferences read hits as strings (the Run path), not as columns.
    private static bool NeedsHitStrings(Qrels qrels, IReadOnlyList<Measure> measures, EvalOptions options) =>
        options.Preferences is not null || qrels.HasGroups || measures.Any(Measures.NeedsPreferences);

    /// <summary>Evaluates a run read as columns (<see cref="Formats.TrecRunFormat.ReadColumns"/>): the same report as
    /// <see cref="Evaluate(Qrels, Run, IReadOnlyList{Measure}, EvalOptions?)"/>, without a string per hit.</summary>
    /// <exception cref="InputException">No topic of the run is judged (and <c>-c</c> is off).</exception>
    public static EvalReport Evaluate(Qrels qrels, RunColumns run, IReadOnlyList<Measure> measures, EvalOptions? options = null)
    {
        options ??= new EvalOptions();
        if (NeedsHitStrings(qrels, measures, options))
        {
            return Evaluate(qrels, run.ToRun(), measures, options);
        }

        List<string> topics = TopicsToEvaluate(run.Name, run.TopicIds, qrels.TopicIds, qrels.Contains, options);

        var rankings = new JudgedRanking[topics.Count];
        long work = topics.Sum(t => run.Contains(t) ? (long)run[t].Count : 1);
        ForEachTopic(topics.Count, work, i => rankings[i] = run.Contains(topics[i])
            ? JudgedRanking.Create(run[topics[i]], qrels[topics[i]], options.RelevanceLevel, options.MaxDocsPerTopic)
            : MissingTopicRanking(qrels, topics[i], options));
        return Summarize(run.Name, topics, rankings, run.Contains, measures, options, work);
    }

    // What trec_eval's -c scores for a judged topic the run lacks: one unjudged document.
    private static JudgedRanking MissingTopicRanking(Qrels qrels, string topic, EvalOptions options) =>
        JudgedRanking.Create([new Hit(MissingTopicDoc, 1.0)], qrels[topic], options.RelevanceLevel, options.MaxDocsPerTopic);

    // The run's judged topics (every judged topic with -c), in id order; none is bad input.
    private static List<string> TopicsToEvaluate(string runName, IReadOnlyList<string> runTopics, IReadOnlyList<string> judged,
        Func<string, bool> isJudged, EvalOptions options)
    {
        List<string> topics = [.. (options.CompleteQueries ? judged : runTopics.Where(isJudged)).Order(StringComparer.Ordinal)];
        if (topics.Count == 0)
        {
            ThrowHelper.Input(runName, 0, 0, $"expected topics that the qrels judge, found none of the run's {runTopics.Count} topics in the qrels");
        }

        return topics;
    }

    // Every measure per topic, then the summary values.
    private static EvalReport Summarize(string runName, List<string> topics, JudgedRanking[] rankings, Func<string, bool> inRun,
        IReadOnlyList<Measure> measures, EvalOptions options, long work)
    {
        var computed = new double[topics.Count][];
        ForEachTopic(topics.Count, work, t => computed[t] = TopicValues(rankings[t], !inRun(topics[t]), measures));
        int relstring = IndexOfFamily(measures, "relstring");
        int relLength = relstring < 0 ? 0 : (int)MeasureLength(measures[relstring]);
        string[]? relStrings = relstring < 0 ? null : [.. topics.Select((topic, t) => inRun(topic) ? rankings[t].RelString(relLength) : "")];
        return Aggregate(runName, topics, computed, relStrings, measures, options);
    }

    // One topic's values; a topic missing from the run (-c) zeroes the counts that trec_eval zeroes.
    private static double[] TopicValues(JudgedRanking ranking, bool missing, IReadOnlyList<Measure> measures)
    {
        double[] values = new double[measures.Count];
        for (int m = 0; m < measures.Count; m++)
        {
            values[m] = missing && measures[m].Family is "num_ret" or "utility" or "unj" or "rbp_resid" ? 0 : measures[m].Compute(ranking);
        }

        return values;
    }

    // The summary values from each topic's (topics in id order, values and relstrings in the same order).
    private static EvalReport Aggregate(string runName, List<string> topics, double[][] computed, string[]? relStrings,
        IReadOnlyList<Measure> measures, EvalOptions options)
    {
        var perTopic = new Dictionary<string, double[]>(StringComparer.Ordinal);
        Dictionary<string, string>? relStringOf = relStrings is null ? null : new(StringComparer.Ordinal);
        double[] sums = new double[measures.Count];

        // Summed in topic order, so the means do not depend on the threads' schedule or on the file's order.
        for (int t = 0; t < topics.Count; t++)
        {
            double[] values = computed[t];
            if (relStringOf is not null)
            {
                relStringOf[topics[t]] = relStrings![t];
            }

            options.ZScores?.Convert(topics[t], measures, values);
            for (int m = 0; m < measures.Count; m++)
            {
                sums[m] += values[m];
            }

            perTopic[topics[t]] = values;
        }

        double[] all = new double[measures.Count];
        for (int m = 0; m < measures.Count; m++)
        {
            all[m] = measures[m].Family == "num_q" ? topics.Count : measures[m].Aggregation switch
            {
                Aggregation.Sum => sums[m],
                Aggregation.GeometricMean => Math.Exp(sums[m] / topics.Count),
                Aggregation.None => 0,
                _ => sums[m] / topics.Count,
            };
        }

        return new EvalReport(runName, measures, topics, perTopic, all) { RelStrings = relStringOf, ZScored = options.ZScores is not null };
    }

    /// <summary>Runs below this many hits are evaluated on the calling thread: starting the thread pool's workers
    /// costs more than a small run's whole evaluation (a BRIGHT task's 10,000 to 20,000 hits).</summary>
    internal const long ParallelThreshold = 100_000;

    // The topics in parallel when the run is large enough to pay for the threads; the result is the same either way.
    private static void ForEachTopic(int count, long hits, Action<int> body)
    {
        if (hits < ParallelThreshold)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }
        }
        else
        {
            Parallel.For(0, count, body);
        }
    }

    private static int IndexOfFamily(IReadOnlyList<Measure> measures, string family)
    {
        for (int i = 0; i < measures.Count; i++)
        {
            if (measures[i].Family == family)
            {
                return i;
            }
        }

        return -1;
    }

    // relstring's length is its first parameter (default 10), kept in the label relstring_N when given.
    private static double MeasureLength(Measure m) =>
        m.Label is string label && double.TryParse(label.AsSpan(label.IndexOf('_') + 1).ToString().Split(',')[0],
            System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double n) ? n : 10;
}
