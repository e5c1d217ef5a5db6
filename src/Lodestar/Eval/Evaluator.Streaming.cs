using Lodestar.Errors;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Eval;

public static partial class Evaluator
{
    /// <summary>Runs files smaller than this are evaluated as they are read, one topic at a time; larger ones are read
    /// whole, their topics evaluated in parallel from <see cref="ParallelThreshold"/> hits (about 5 MB of run).</summary>
    internal const long StreamingLimitBytes = 4 << 20;

    /// <summary>Evaluates the TREC run file <paramref name="path"/>: the same report as reading it with
    /// <see cref="TrecRunFormat.ReadColumns"/> and calling <see cref="Evaluate(Qrels, RunColumns, IReadOnlyList{Measure}, EvalOptions?)"/>.</summary>
    /// <param name="qrels">The judgments.</param>
    /// <param name="path">The run file.</param>
    /// <param name="measures">The measures.</param>
    /// <param name="options">Evaluation options.</param>
    /// <param name="runName">The run name to report instead of the file's tag, if any.</param>
    /// <remarks>A small run (a BRIGHT task's 10,000 hits) whose topics come in contiguous blocks is evaluated topic by
    /// topic as the file is read, in one reused set of columns, so memory is one topic's hits (and each topic's grades)
    /// rather than the run's: for a process that lives 30 ms, memory first touched is most of the cost. Anything else (a large run, topics
    /// interleaved, judgment groups, preferences) is read whole first.</remarks>
    /// <exception cref="InputException">A malformed run, or no topic of the run is judged (and <c>-c</c> is off).</exception>
    public static EvalReport EvaluateFile(Qrels qrels, string path, IReadOnlyList<Measure> measures, EvalOptions? options = null, string? runName = null)
    {
        options ??= new EvalOptions();
        bool streamable = !NeedsHitStrings(qrels, measures, options) && new FileInfo(path).Length < StreamingLimitBytes;
        if (streamable && TryEvaluateStreamed(qrels, path, measures, options, runName) is EvalReport report)
        {
            return report;
        }

        RunColumns run = TrecRunFormat.ReadColumns(path);
        run.Name = runName ?? run.Name;
        return Evaluate(qrels, run, measures, options);
    }

    // Null when the run's topics are not contiguous. Each topic's ranking keeps its own grades, not the reused columns.
    private static EvalReport? TryEvaluateStreamed(Qrels qrels, string path, IReadOnlyList<Measure> measures, EvalOptions options, string? runName)
    {
        var runTopics = new List<string>();
        var rankings = new Dictionary<string, JudgedRanking>(StringComparer.Ordinal);
        bool streamed = TrecRunFormat.TryStreamTopics(path, (topic, hits) =>
        {
            runTopics.Add(topic);
            if (qrels.Contains(topic))
            {
                rankings[topic] = JudgedRanking.Create(hits, qrels[topic], options.RelevanceLevel, options.MaxDocsPerTopic);
            }
        }, out string tag);
        if (!streamed)
        {
            return null;
        }

        string name = runName ?? tag;
        List<string> topics = TopicsToEvaluate(name, runTopics, qrels.TopicIds, qrels.Contains, options);
        JudgedRanking[] ranked = [.. topics.Select(t => rankings.TryGetValue(t, out JudgedRanking? r) ? r : MissingTopicRanking(qrels, t, options))];
        return Summarize(name, topics, ranked, rankings.ContainsKey, measures, options, work: 0);
    }
}
