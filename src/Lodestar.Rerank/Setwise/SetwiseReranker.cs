using System.Diagnostics;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Model;

namespace Lodestar.Rerank.Setwise;

/// <summary>What a setwise rerank did.</summary>
/// <param name="Topics">Topics reranked.</param>
/// <param name="Comparisons">Set comparisons made or reused.</param>
/// <param name="Requested">Answers asked of the model in this run.</param>
/// <param name="Reused">Answers found in the judgment store.</param>
/// <param name="Unparseable">Answers naming no passage of their set (the node stays: no swap).</param>
/// <param name="Failed">Comparisons whose call failed after its retries (no swap).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record SetwiseSummary(int Topics, int Comparisons, long Requested, long Reused, int Unparseable, int Failed, double Seconds);

/// <summary>
/// Setwise reranking with a heap (Zhuang et al. 2024): a d-ary max-heap whose sift-down asks the model which of a
/// node and its children is most relevant; the top K come out by heapsort.
/// </summary>
/// <remarks>
/// Cost per topic: building the heap takes about n/d comparisons, each of the K extractions about log_d n. Every
/// comparison goes through <see cref="StoredChat"/>, so a rerun replays the same choices. An unparseable answer or a
/// failed call leaves the node in place (counted). Scores: <c>Top − i</c> for position i of the head, then
/// <c>−(i + 1)</c> for the first-stage order of the rest.
/// </remarks>
public sealed class SetwiseReranker(StoredChat chat, SetwiseOptions options)
{
    /// <summary>Reranks each topic's top hits of <paramref name="firstStage"/>.</summary>
    public async Task<(Run Run, SetwiseSummary Summary)> RerankAsync(IReadOnlyList<Topic> topics, Run firstStage, Func<string, string?> textOf,
        CancellationToken cancellationToken = default)
    {
        if (options.Children < 1 || options.Children > 25 || options.K < 1 || options.Top < 1)
        {
            throw new ArgumentException($"setwise needs 1 <= --children <= 25, --k >= 1 and --top >= 1 (found {options.Children}, {options.K}, {options.Top})");
        }

        var clock = Stopwatch.StartNew();
        long askedBefore = chat.Counters.Asked, reusedBefore = chat.Counters.Reused;
        var work = topics.Where(t => firstStage.Contains(t.Id)).ToList();
        var results = new List<Hit>[work.Count];
        int comparisons = 0, unparseable = 0, failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, work.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var heap = new TopicHeap(this, work[i], textOf);
                results[i] = await heap.SortAsync(firstStage[work[i].Id], ct).ConfigureAwait(false);
                Interlocked.Add(ref comparisons, heap.Comparisons);
                Interlocked.Add(ref unparseable, heap.Unparseable);
                Interlocked.Add(ref failed, heap.Failed);
            }).ConfigureAwait(false);

        var run = new Run(firstStage.Name + "-setwise");
        for (int i = 0; i < work.Count; i++)
        {
            run.Set(work[i].Id, results[i]);
        }

        return (run, new SetwiseSummary(work.Count, comparisons, chat.Counters.Asked - askedBefore, chat.Counters.Reused - reusedBefore, unparseable, failed,
            clock.Elapsed.TotalSeconds));
    }

    private sealed class TopicHeap(SetwiseReranker owner, Topic topic, Func<string, string?> textOf)
    {
        private List<string> _items = [];

        public int Comparisons { get; private set; }

        public int Unparseable { get; private set; }

        public int Failed { get; private set; }

        public async Task<List<Hit>> SortAsync(IReadOnlyList<Hit> firstStage, CancellationToken ct)
        {
            SetwiseOptions o = owner.Options;
            var excluded = new HashSet<string>(topic.ExcludedIds, StringComparer.Ordinal);
            List<string> kept = [.. firstStage.Where(h => !excluded.Contains(h.DocId)).Select(h => h.DocId)];
            _items = kept.Take(o.Top).ToList();
            int n = _items.Count;
            for (int i = (n - 2) / o.Children; i >= 0 && n > 1; i--)
            {
                await SiftDownAsync(i, n, ct).ConfigureAwait(false);
            }

            var head = new List<string>();
            int k = Math.Min(o.K, n);
            for (int e = 0; e < k; e++)
            {
                int size = n - e;
                head.Add(_items[0]);
                (_items[0], _items[size - 1]) = (_items[size - 1], _items[0]);
                if (e < k - 1)
                {
                    await SiftDownAsync(0, size - 1, ct).ConfigureAwait(false);
                }
            }

            var chosen = new HashSet<string>(head, StringComparer.Ordinal);
            var hits = new List<Hit>(kept.Count);
            hits.AddRange(head.Select((d, i) => new Hit(d, head.Count - i)));
            hits.AddRange(kept.Where(d => !chosen.Contains(d)).Select((d, i) => new Hit(d, -(i + 1))));
            return hits;
        }

        private async Task SiftDownAsync(int node, int size, CancellationToken ct)
        {
            SetwiseOptions o = owner.Options;
            while (true)
            {
                int first = (o.Children * node) + 1;
                if (first >= size)
                {
                    return;
                }

                int last = Math.Min(size, first + o.Children);
                List<int> set = [node, .. Enumerable.Range(first, last - first)];
                int best = await BestAsync(set, ct).ConfigureAwait(false);
                if (best == 0)
                {
                    return;
                }

                int child = set[best];
                (_items[node], _items[child]) = (_items[child], _items[node]);
                node = child;
            }
        }

        private async Task<int> BestAsync(List<int> set, CancellationToken ct)
        {
            SetwiseOptions o = owner.Options;
            Comparisons++;
            string prompt = SetwisePrompt.Build(topic.Text, [.. set.Select(i => textOf(_items[i]) ?? "")], o.MaxWordsPerDocument);
            try
            {
                string answer = (await owner.Chat.AskAsync($"setwise:{topic.Id}", [("user", prompt)], o.Sampling, 1, ct).ConfigureAwait(false))[0].Text;
                if (SetwisePrompt.Parse(answer, set.Count) is int index)
                {
                    return index;
                }

                Unparseable++;
            }
            catch (LlmException)
            {
                Failed++;
            }

            return 0;
        }
    }

    private StoredChat Chat => chat;

    private SetwiseOptions Options => options;
}
