using System.Diagnostics;
using System.Text.Json.Nodes;
using Lodestar.Formats;
using Lodestar.Llm.Client;
using Lodestar.Synthesis.Answers;
using Lodestar.Synthesis.Data;

namespace Lodestar.Synthesis.Mcts;

/// <summary>What one <c>synth mcts</c> run did.</summary>
/// <param name="Problems">Problems in the input.</param>
/// <param name="Finished">Problems whose search finished (written).</param>
/// <param name="Solved">Finished problems with a correct answer somewhere in the tree.</param>
/// <param name="Pairs">Query nodes on rewarded paths.</param>
/// <param name="Positives">Positive documents over all pairs.</param>
/// <param name="Negatives">Hard negatives over all pairs.</param>
/// <param name="Failed">Problems stopped by an LLM failure after retries (rerun to retry).</param>
/// <param name="BudgetStopped">Whether the token budget stopped the run.</param>
public sealed record MctsRunSummary(int Problems, int Finished, int Solved, int Pairs, int Positives, int Negatives, int Failed, bool BudgetStopped);

/// <summary>Runs the search over a problems file, a few problems at a time, with progress lines, a token budget and
/// failures counted; writes the outputs in problem order.</summary>
public static class MctsRunner
{
    /// <summary>Searches every problem and writes <paramref name="directory"/>'s files.</summary>
    /// <param name="problems">The problems, in output order.</param>
    /// <param name="chat">The calls (store, budget, counts).</param>
    /// <param name="retriever">The document retriever.</param>
    /// <param name="options">Search settings.</param>
    /// <param name="directory">Output folder.</param>
    /// <param name="log">Receives progress lines (every <paramref name="every"/>) and the summary.</param>
    /// <param name="every">Time between progress lines.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<MctsRunSummary> RunAsync(IReadOnlyList<Problem> problems, SynthChat chat, IDocumentRetriever retriever, MctsOptions options,
        string directory, Action<string> log, TimeSpan every, CancellationToken ct)
    {
        var search = new MctsSearch(chat, retriever, options, options.JudgeEquivalence ? new AnswerJudge(chat) : null);
        var roots = new MctsNode?[problems.Count];
        var failures = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int done = 0;
        bool budget = false;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        Task ticker = TickAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, problems.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallel), CancellationToken = ct },
            async (i, token) =>
            {
                if (Volatile.Read(ref budget))
                {
                    return;
                }

                try
                {
                    roots[i] = await search.SearchAsync(problems[i], token).ConfigureAwait(false);
                }
                catch (BudgetExhaustedException)
                {
                    Volatile.Write(ref budget, true);
                }
                catch (LlmException e)
                {
                    lock (failures)
                    {
                        failures[e.Kind.ToString()] = failures.GetValueOrDefault(e.Kind.ToString()) + 1;
                    }
                }

                Interlocked.Increment(ref done);
            }).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await ticker.ConfigureAwait(false);

        List<(Problem, MctsNode)> finished = [.. Enumerable.Range(0, problems.Count).Where(i => roots[i] is not null).Select(i => (problems[i], roots[i]!))];
        (int pairs, int positives, int negatives) = MctsOutput.Write(directory, finished, retriever);
        int solved = finished.Count(f => MctsOutput.RewardedNodes(f.Item2).Count > 0);
        int failed = failures.Values.Sum();
        var summary = new MctsRunSummary(problems.Count, finished.Count, solved, pairs, positives, negatives, failed, budget);
        WriteSummary(Path.Combine(directory, MctsOutput.Summary), summary, chat, retriever, options, finished);
        log($"mcts: {finished.Count}/{problems.Count} problems searched, {solved} solved; {pairs} pairs, {positives} positives, {negatives} negatives; " +
            $"{chat.Calls:N0} calls ({chat.Chat.Counters.Reused:N0} answers from the store, {chat.Chat.Counters.Asked:N0} asked), {chat.TokensSpent:N0} tokens spent; " +
            $"unparseable {Describe(chat.Unparseable)}; failed problems {(failed == 0 ? "none" : Describe(failures))}" +
            (budget ? $"; stopped at the token budget of {chat.BudgetTokens:N0} (rerun with a larger --budget-tokens to continue; nothing is asked twice)" : ""));
        return summary;

        async Task TickAsync()
        {
            try
            {
                while (true)
                {
                    await Task.Delay(every, stop.Token).ConfigureAwait(false);
                    double seconds = clock.Elapsed.TotalSeconds;
                    int d = Volatile.Read(ref done);
                    string eta = d == 0 ? "?" : TimeSpan.FromSeconds(seconds / d * (problems.Count - d)).ToString(@"h\:mm\:ss");
                    log($"mcts: {d}/{problems.Count} problems, {search.Rollouts:N0} rollouts, {chat.Calls:N0} calls ({chat.Chat.Counters.Reused:N0} from the store), " +
                        $"{chat.Chat.Counters.TokensOut / Math.Max(seconds, 1e-9):N0} tokens/s, {chat.Unparseable.Values.Sum()} unparseable, {chat.Chat.Counters.FailureCount} failed requests, ETA {eta}");
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static string Describe(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"));

    private static void WriteSummary(string path, MctsRunSummary s, SynthChat chat, IDocumentRetriever retriever, MctsOptions o,
        List<(Problem, MctsNode)> finished)
    {
        var unparseable = new JsonObject();
        foreach ((string kind, int n) in chat.Unparseable)
        {
            unparseable[kind] = n;
        }

        List<MctsNode> nodes = [.. finished.SelectMany(f => f.Item2.All())];
        var json = new JsonObject
        {
            ["tool"] = $"lodestar {typeof(MctsRunner).Assembly.GetName().Version}",
            ["model"] = chat.Chat.Endpoint.Model,
            ["parameters"] = new JsonObject
            {
                ["rollouts"] = o.Rollouts,
                ["max_depth"] = o.MaxDepth,
                ["exploration"] = o.Exploration,
                ["thought_children"] = o.ThoughtChildren,
                ["retrieve_top"] = o.RetrieveTop,
                ["retriever"] = retriever.Name,
                ["temperature"] = chat.Sampling.Temperature,
                ["top_k"] = chat.Sampling.TopK,
                ["top_p"] = chat.Sampling.TopP,
                ["max_tokens"] = chat.Sampling.MaxTokens,
                ["seed"] = chat.Sampling.Seed,
                ["float_tolerance"] = o.FloatTolerance,
                ["judge_equivalence"] = o.JudgeEquivalence,
            },
            ["problems"] = s.Problems,
            ["finished"] = s.Finished,
            ["solved"] = s.Solved,
            ["nodes"] = nodes.Count,
            ["query_nodes"] = nodes.Count(n => n.Action == MctsAction.Query),
            ["pruned_query_nodes"] = nodes.Count(n => n.Pruned),
            ["unlabelled_documents"] = nodes.Sum(n => n.Documents.Count(d => d.Label == Relevance.Unlabelled)),
            ["pairs"] = s.Pairs,
            ["positives"] = s.Positives,
            ["negatives"] = s.Negatives,
            ["calls"] = chat.Calls,
            ["tokens_in"] = chat.DataTokensIn,
            ["tokens_out"] = chat.DataTokensOut,
            ["unparseable"] = unparseable,
            ["failed_problems"] = s.Failed,
            ["budget_stopped"] = s.BudgetStopped,
        };
        AtomicFile.Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n")));
    }
}
