using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Model;

namespace Lodestar.Rewrite;

/// <summary>What a rewrite did.</summary>
/// <param name="Topics">Topics rewritten.</param>
/// <param name="Requested">Answers asked of the model in this run.</param>
/// <param name="Reused">Answers found in the judgment store.</param>
/// <param name="Empty">Answers with nothing outside their thinking: that rewrite keeps the original query.</param>
/// <param name="Failed">Topics whose call failed after its retries: their rewrites keep the original query.</param>
/// <param name="Failures">Failed requests by kind.</param>
public sealed record RewriteSummary(int Topics, long Requested, long Reused, int Empty, int Failed, IReadOnlyDictionary<string, int> Failures);

/// <summary>
/// Rewrites topics with an LLM through the judgment store: each answer is committed before it is used, so a rerun
/// or a resumed run asks nothing twice and writes the same topics.
/// </summary>
/// <remarks>
/// <c>&lt;think&gt;</c> content stays in the store and is never part of the new query. A topic whose call fails or
/// whose answer is empty keeps its original text, and is counted; it is never dropped.
/// </remarks>
public sealed class QueryRewriter(StoredChat chat, RewriteMethod method, LlmSampling sampling, int concurrency = 16)
{
    /// <summary>The rewritten topics: one list per rewrite (one for all methods but <c>multi:N</c>), each in the
    /// input order, keeping ids, excluded ids and gold ids.</summary>
    public async Task<(List<List<Topic>> Rewrites, RewriteSummary Summary)> RewriteAsync(IReadOnlyList<Topic> topics,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        long askedBefore = chat.Counters.Asked, reusedBefore = chat.Counters.Reused;
        var before = chat.Counters.Failures;
        var texts = new string[topics.Count][];
        int empty = 0, failed = 0, done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, topics.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                Topic topic = topics[i];
                string[] result = [.. Enumerable.Repeat(topic.Text, method.Count)];
                try
                {
                    IReadOnlyList<LlmCall> answers = await chat.AskAsync($"rewrite:{method}", RewritePrompt.Build(method.Kind, topic.Text), sampling, method.Count, ct)
                        .ConfigureAwait(false);
                    for (int j = 0; j < method.Count; j++)
                    {
                        string answer = ThinkBlock.Answer(answers[j].Text);
                        if (answer.Length == 0)
                        {
                            Interlocked.Increment(ref empty);
                            continue;
                        }

                        result[j] = RewritePrompt.Compose(method.Kind, topic.Text, answer);
                    }
                }
                catch (LlmException)
                {
                    Interlocked.Increment(ref failed);
                }

                texts[i] = result;
                progress?.Report(Interlocked.Increment(ref done));
            }).ConfigureAwait(false);

        var rewrites = Enumerable.Range(0, method.Count)
            .Select(j => topics.Select((t, i) => t with { Text = texts[i][j], Tokens = null }).ToList()).ToList();
        var failures = chat.Counters.Failures.Select(p => (p.Key, p.Value - before.GetValueOrDefault(p.Key))).Where(p => p.Item2 > 0)
            .ToDictionary(p => p.Key, p => p.Item2, StringComparer.Ordinal);
        return (rewrites, new RewriteSummary(topics.Count, chat.Counters.Asked - askedBefore, chat.Counters.Reused - reusedBefore, empty, failed, failures));
    }
}
