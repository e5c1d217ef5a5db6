using System.Diagnostics;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Model;

namespace Lodestar.Rerank.Listwise;

/// <summary>
/// Listwise reranking with sliding windows (RankGPT; ReasonRank's prompt for reasoning models): each window's
/// candidates go to the model in one prompt, the answer's permutation reorders them.
/// </summary>
/// <remarks>
/// Every window call goes through <see cref="StoredChat"/>: its answer is committed to the judgment store before it
/// is used, so a rerun (or a resumed run) replays the same answers without asking again and yields the same ranking.
/// A window whose call fails keeps its order, and the failure is counted; a window whose answer needs repair is
/// repaired by <see cref="PermutationParser"/> and counted. Output scores: the reranked head gets <c>Top − i</c> for
/// position i, the rest keep their first-stage order below it with scores <c>−(i + 1)</c>.
/// </remarks>
public sealed class ListwiseReranker(StoredChat chat, ListwiseOptions options)
{
    /// <summary>Progress: topics done of total, windows so far, failed windows.</summary>
    public readonly record struct Progress(int Done, int Total, int Windows, int FailedWindows);

    /// <summary>Reranks each topic's top hits of <paramref name="firstStage"/>.</summary>
    /// <param name="topics">Topics with their text and excluded ids.</param>
    /// <param name="firstStage">The run to rerank.</param>
    /// <param name="textOf">A document's text, or null when unknown (shown to the model as empty).</param>
    /// <param name="progress">Receives progress after each topic.</param>
    /// <param name="cancellationToken">Stops; stored answers are kept.</param>
    public async Task<(Run Run, ListwiseSummary Summary)> RerankAsync(IReadOnlyList<Topic> topics, Run firstStage, Func<string, string?> textOf,
        IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        long askedBefore = chat.Counters.Asked, reusedBefore = chat.Counters.Reused, inBefore = chat.Counters.TokensIn, outBefore = chat.Counters.TokensOut;
        var failuresBefore = chat.Counters.Failures;
        var work = topics.Where(t => firstStage.Contains(t.Id)).ToList();
        var results = new List<Hit>[work.Count];
        var lockObj = new object();
        PermutationRepairs repairs = default;
        int windows = 0, failed = 0, done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, work.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                (List<Hit> hits, PermutationRepairs r, int w, int f) = await RerankTopicAsync(work[i], firstStage[work[i].Id], textOf, ct).ConfigureAwait(false);
                results[i] = hits;
                lock (lockObj)
                {
                    repairs += r;
                    windows += w;
                    failed += f;
                    done++;
                    progress?.Report(new Progress(done, work.Count, windows, failed));
                }
            }).ConfigureAwait(false);

        var run = new Run(firstStage.Name + "-listwise");
        for (int i = 0; i < work.Count; i++)
        {
            run.Set(work[i].Id, results[i]);
        }

        var failures = chat.Counters.Failures.Select(p => (p.Key, p.Value - failuresBefore.GetValueOrDefault(p.Key))).Where(p => p.Item2 > 0)
            .ToDictionary(p => p.Key, p => p.Item2, StringComparer.Ordinal);
        var summary = new ListwiseSummary(work.Count, windows, chat.Counters.Asked - askedBefore, chat.Counters.Reused - reusedBefore, repairs, failed,
            failures, chat.Counters.TokensIn - inBefore, chat.Counters.TokensOut - outBefore, clock.Elapsed.TotalSeconds);
        return (run, summary);
    }

    private async Task<(List<Hit> Hits, PermutationRepairs Repairs, int Windows, int Failed)> RerankTopicAsync(Topic topic, IReadOnlyList<Hit> firstStage,
        Func<string, string?> textOf, CancellationToken ct)
    {
        var excluded = new HashSet<string>(topic.ExcludedIds, StringComparer.Ordinal);
        List<string> kept = [.. firstStage.Where(h => !excluded.Contains(h.DocId)).Select(h => h.DocId)];
        List<string> head = kept.Take(options.Top).ToList();
        PermutationRepairs repairs = default;
        int windows = 0, failed = 0;
        // A document sits in about Window / Stride windows per pass: fetch and cut it once per topic.
        var prepared = new Dictionary<string, string>(StringComparer.Ordinal);
        string PreparedText(string id)
        {
            if (!prepared.TryGetValue(id, out string? text))
            {
                prepared[id] = text = ListwisePrompt.Prepare(textOf(id) ?? "", options.MaxWordsPerDocument);
            }

            return text;
        }

        for (int pass = 0; pass < options.Passes; pass++)
        {
            foreach ((int start, int length) in SlidingWindow.Plan(head.Count, options.Window, options.Stride))
            {
                if (length < 2)
                {
                    continue;
                }

                List<string> window = head.GetRange(start, length);
                var messages = ListwisePrompt.BuildPrepared(options.Prompt, topic.Text, [.. window.Select(PreparedText)]);
                windows++;
                string answer;
                try
                {
                    answer = (await chat.AskAsync($"listwise:{topic.Id}", messages, options.Sampling, 1, ct).ConfigureAwait(false))[0].Text;
                }
                catch (LlmException)
                {
                    failed++;
                    continue;
                }

                (int[] order, PermutationRepairs r) = PermutationParser.Parse(answer, length);
                repairs += r;
                for (int j = 0; j < length; j++)
                {
                    head[start + j] = window[order[j]];
                }
            }
        }

        var hits = new List<Hit>(kept.Count);
        for (int i = 0; i < head.Count; i++)
        {
            hits.Add(new Hit(head[i], head.Count - i));
        }

        for (int i = head.Count; i < kept.Count; i++)
        {
            hits.Add(new Hit(kept[i], -(i + 1)));
        }

        return (hits, repairs, windows, failed);
    }
}
