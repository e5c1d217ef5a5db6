using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Model;
using Microsoft.Extensions.AI;

namespace Lodestar.Rerank.RetroStar;

/// <summary>
/// Reranks a first-stage run with Retro*: one prompt per (topic, document), K samples, the scores integrated.
/// Every sample goes to the <see cref="JudgmentStore"/> as it arrives; a rerun asks only for missing samples.
/// </summary>
/// <remarks>
/// Requests are dispatched topic by topic, so one query's pairs finish together, with at most the client's
/// in-flight limit outstanding. Final order: integrated score descending, ties by first-stage rank; pairs left
/// without a score keep their first-stage order after the scored ones; hits beyond the window follow unchanged.
/// The written score is the integrated score plus 1e-6 × (window − first-stage rank), so that trec_eval's re-sort
/// keeps the tie order.
/// </remarks>
public sealed partial class RetroStarReranker(IChatClient client, JudgmentStore store, RerankOptions options)
{
    private readonly ChatEndpoint _endpoint = client.GetService<ChatEndpoint>() ?? throw new ArgumentException(
        "the chat client must offer a ChatEndpoint service (OpenAiChatClient and LlamaChatClient do)", nameof(client));

    /// <summary>Reranks through an OpenAI-compatible server.</summary>
    public RetroStarReranker(OpenAiClient client, JudgmentStore store, RerankOptions options)
        : this(new OpenAiChatClient(client), store, options)
    {
    }

    /// <summary>Called once per pair when its samples are known (stored and new, in sample order; the first K, or with
    /// re-sampling the first K parsed, are integrated): topic id, document id, samples. Lets a caller show each
    /// sample's reasoning and score. With adaptive K, called again after each round that drew samples for the pair.
    /// Called from worker threads.</summary>
    public Action<string, string, IReadOnlyList<Judgment>>? PairScored { get; init; }

    /// <summary>Progress: pairs done and in all, unparseable samples and failed requests so far, tokens generated.</summary>
    public readonly record struct Progress(int Done, int Total, long Unparseable, int Failures, long TokensOut);

    /// <summary>Reranks <paramref name="firstStage"/> for <paramref name="topics"/>.</summary>
    /// <param name="topics">The topics (their text and excluded ids).</param>
    /// <param name="firstStage">The run to rerank; its order per topic is the first-stage rank.</param>
    /// <param name="textOf">The text of a document, or null when it is unknown (such a pair keeps its rank).</param>
    /// <param name="progress">Receives progress after each pair.</param>
    /// <param name="cancellationToken">Stops dispatching; stored samples are kept.</param>
    public async Task<(Run Run, RerankSummary Summary)> RerankAsync(IReadOnlyList<Topic> topics, Run firstStage,
        Func<string, string?> textOf, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var pairs = new List<Pair>();
        foreach (Topic topic in topics.Where(t => firstStage.Contains(t.Id)))
        {
            var excluded = new HashSet<string>(topic.ExcludedIds, StringComparer.Ordinal);
            int rank = 0;
            foreach (Hit hit in firstStage[topic.Id].Where(h => !excluded.Contains(h.DocId)).Take(options.Top))
            {
                pairs.Add(new Pair(topic, hit.DocId, rank++, hit.Score) { Target = FirstTarget });
            }
        }

        var failures = new ConcurrentDictionary<string, int>();
        long requested = 0, reused = 0, truncated = 0, tokensIn = 0, tokensOut = 0, unparseableNew = 0;
        int done = 0, failed = 0, bound = options.MaxFailures ?? Math.Max(10, pairs.Count / 20);
        RetryLog? retries = client.GetService<RetryLog>();
        var retriesBefore = retries?.Snapshot();
        int takenOverBefore = store.ClaimsTakenOver;
        using var slots = new SemaphoreSlim(_endpoint.MaxInFlight);
        // Past the failure bound no new pair is sent; requests in flight finish (their answers are paid for).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deferred = new ConcurrentQueue<Pair>();
        bool firstRound = true; // later rounds of adaptive K revisit pairs already counted as done

        async Task DispatchAsync(IEnumerable<Pair> batch, bool wait)
        {
            var running = new List<Task>();
            foreach (Pair pair in batch)
            {
                try
                {
                    await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (stop.IsCancellationRequested)
                {
                    slots.Release();
                    break;
                }

                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        Outcome o = await ScoreAsync(pair, textOf, wait, cancellationToken).ConfigureAwait(false);
                        if (o.Deferred)
                        {
                            deferred.Enqueue(pair);
                            return;
                        }

                        Interlocked.Add(ref requested, o.Asked);
                        Interlocked.Add(ref reused, o.Found);
                        Interlocked.Add(ref truncated, o.Truncated ? 1 : 0);
                        Interlocked.Add(ref tokensIn, o.In);
                        Interlocked.Add(ref tokensOut, o.Out);
                        Interlocked.Add(ref unparseableNew, o.Unparseable);
                        if (o.Failure is not null)
                        {
                            failures.AddOrUpdate(o.Failure, 1, (_, n) => n + 1);
                            if (o.Failure != UnknownDocument && Interlocked.Increment(ref failed) > bound)
                            {
                                stop.Cancel(); // before this slot is released, so no further pair takes it
                            }
                        }

                        PairScored?.Invoke(pair.Topic.Id, pair.Doc, pair.Samples);

                        progress?.Report(new Progress(firstRound ? Interlocked.Increment(ref done) : Volatile.Read(ref done), pairs.Count, Interlocked.Read(ref unparseableNew),
                            failures.Values.Sum(), Interlocked.Read(ref tokensOut)));
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }

            await Task.WhenAll(running).ConfigureAwait(false);
        }

        // Pairs whose key another process has claimed come last, when there is nothing else to do but wait for them.
        async Task RoundAsync(List<Pair> batch)
        {
            deferred.Clear();
            await DispatchAsync(batch, wait: false).ConfigureAwait(false);
            if (!stop.IsCancellationRequested && !deferred.IsEmpty)
            {
                await DispatchAsync([.. deferred], wait: true).ConfigureAwait(false);
            }
        }

        await RoundAsync(pairs).ConfigureAwait(false);
        int rounds = 1;
        // Adaptive K: pairs whose place among their neighbours is not settled draw more samples, round after round.
        for (List<Pair> more; AdaptiveSettings is not null && !stop.IsCancellationRequested && (more = NextRound(pairs)).Count > 0; rounds++)
        {
            firstRound = false;
            await RoundAsync(more).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (failed > bound)
        {
            throw new RerankAbortedException(failed, bound, _firstError ?? "unknown");
        }

        (Run run, int unscored, long unparseable, long clamped) = Assemble(topics, firstStage, pairs);
        var retried = retries is null ? (new Dictionary<string, int>(), TimeSpan.Zero) : RetryLog.Since(retriesBefore!.Value, retries.Snapshot());
        var summary = new RerankSummary(pairs.Select(p => p.Topic.Id).Distinct().Count(), pairs.Count, requested, reused, unparseable, clamped,
            truncated, new Dictionary<string, int>(failures), unscored, tokensIn, tokensOut, clock.Elapsed.TotalSeconds)
        {
            Retries = retried.Item1,
            RetrySeconds = retried.Item2.TotalSeconds,
            ClaimsTakenOver = store.ClaimsTakenOver - takenOverBefore,
            EstimatedTokenSamples = EstimatedTokenSamples,
            Adaptive = AdaptiveSettings is null ? null : Report(pairs, rounds),
        };
        return (run, summary);
    }

    /// <summary>
    /// Runs stages one after another, each on the previous stage's ranking (the authors' cascade, such as top 100
    /// with K = 1, then the best 30 with K = 16). Stage s draws fresh samples: its seed is offset by 1,000,000·s.
    /// </summary>
    public static async Task<(Run Run, List<RerankSummary> Summaries)> CascadeAsync(IChatClient client, JudgmentStore store, RerankOptions options,
        IReadOnlyList<(int Top, int Samples)> stages, IReadOnlyList<Topic> topics, Run firstStage, Func<string, string?> textOf,
        IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        Run run = firstStage;
        var summaries = new List<RerankSummary>();
        for (int s = 0; s < stages.Count; s++)
        {
            var stage = options with
            {
                Top = stages[s].Top, Samples = stages[s].Samples, Seed = options.Seed + (1_000_000L * s), FirstStageWeight = s == stages.Count - 1 ? options.FirstStageWeight : 0,
                Adaptive = options.Adaptive is { } a ? a with { Cap = stages[s].Samples } : null,
            };
            RerankSummary summary;
            (run, summary) = await new RetroStarReranker(client, store, stage).RerankAsync(topics, run, textOf, progress, cancellationToken).ConfigureAwait(false);
            summaries.Add(summary);
        }

        return (run, summaries);
    }

    private sealed record Pair(Topic Topic, string Doc, int Rank, double FirstStageScore)
    {
        public string Key { get; set; } = "";

        /// <summary>The pair's samples, stored and new, by index; filled while scoring.</summary>
        public List<Judgment> Samples { get; set; } = [];

        /// <summary>K for this pair: the samples it integrates (fixed K, or the current round's of adaptive K).</summary>
        public int Target { get; set; }

        /// <summary>Samples already counted in the summary as asked or reused (earlier rounds of adaptive K).</summary>
        public int Accounted { get; set; }
    }

    private const string UnknownDocument = "UnknownDocument";

    private string? _firstError;

    /// <summary>What scoring one pair did: samples asked and found, prompt cut, tokens, unparseable samples, the
    /// failure's kind, or that the pair was deferred because another process holds its key.</summary>
    private readonly record struct Outcome(long Asked, long Found, bool Truncated, long In, long Out, long Unparseable, string? Failure, bool Deferred = false);

    private async Task<Outcome> ScoreAsync(Pair pair, Func<string, string?> textOf, bool wait, CancellationToken ct)
    {
        string? text = textOf(pair.Doc);
        if (text is null)
        {
            return new Outcome(0, 0, false, 0, 0, 0, UnknownDocument);
        }

        (string prompt, bool cut) = await BuildPromptAsync(pair.Topic.Text, text, ct).ConfigureAwait(false);
        string parameters = _parameters ??= ParametersJson(options);
        string promptSha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prompt)));
        pair.Key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{_endpoint.Model}\n{parameters}\n{options.Seed}\n{promptSha}")));
        // Pairs with the same prompt (the same text under two ids) share a key: the second waits for the first and
        // then finds every sample in the store, so no judgment is paid for twice.
        SemaphoreSlim gate = _keyGates.GetOrAdd(pair.Key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await ScoreKeyAsync(pair, prompt, cut, parameters, promptSha, wait, ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _keyGates = new(StringComparer.Ordinal);

    private string? _parameters; // the sampling parameters as stored: the same for every pair of a rerank

    /// <summary>Samples still to ask for: up to K (the pair's target), then (with re-sampling) replacements of
    /// unparseable ones.</summary>
    private int Missing(List<Judgment> have, int k)
    {
        int parsed = have.Count(j => j.Score is not null);
        return have.Count < k ? k - have.Count
            : parsed < k && have.Count < k + options.Resample ? Math.Min(k - parsed, k + options.Resample - have.Count)
            : 0;
    }

    /// <summary>Counts a pair's samples once: those asked in this call, and those found in the store that no earlier
    /// round counted.</summary>
    private long FoundNow(Pair pair, List<Judgment> have, long asked)
    {
        int counted = Math.Min(have.Count, pair.Target + options.Resample);
        long found = Math.Max(0, counted - asked - pair.Accounted);
        pair.Accounted = Math.Max(pair.Accounted, counted);
        return found;
    }

    /// <summary>
    /// Asks for a key's missing samples under a claim on the key (see <see cref="JudgmentStore.TryClaim"/>), so that
    /// processes sharing the store never pay twice for one sample; the pair's samples are always read back from the
    /// store, so the run is what the store holds, whoever asked.
    /// </summary>
    private async Task<Outcome> ScoreKeyAsync(Pair pair, string prompt, bool cut, string parameters, string promptSha, bool wait, CancellationToken ct)
    {
        List<Judgment> have = store.Get(pair.Key);
        long asked = 0, tin = 0, tout = 0, bad = 0;
        while (true)
        {
            pair.Samples = have; // Assemble reads it
            if (Missing(have, pair.Target) <= 0)
            {
                return new Outcome(asked, FoundNow(pair, have, asked), cut, tin, tout, bad, null);
            }

            if (!store.TryClaim(pair.Key))
            {
                if (!wait)
                {
                    return new Outcome(0, 0, false, 0, 0, 0, null, Deferred: true);
                }

                await Task.Delay(Random.Shared.Next(20, 80), ct).ConfigureAwait(false);
                have = store.Get(pair.Key);
                continue;
            }

            bool released = false;
            try
            {
                have = store.Get(pair.Key); // another process may have finished the key just before the claim
                pair.Samples = have;
                int missing = Missing(have, pair.Target);
                if (missing <= 0)
                {
                    continue;
                }

                long seed = options.Seed + have.Count;
                ChatResponse response;
                var clock = Stopwatch.StartNew();
                try
                {
                    response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], new ChatOptions
                    {
                        Temperature = (float)options.Temperature,
                        TopP = (float)options.TopP,
                        TopK = options.TopK,
                        Seed = seed,
                        MaxOutputTokens = options.MaxTokens,
                        AdditionalProperties = new AdditionalPropertiesDictionary
                        {
                            ["n"] = missing,
                            ["chat_template_kwargs"] = new Dictionary<string, object> { ["enable_thinking"] = options.EnableThinking },
                        },
                    }, ct).ConfigureAwait(false);
                }
                catch (LlmException e)
                {
                    Interlocked.CompareExchange(ref _firstError, e.Message, null);
                    store.AddFailure(pair.Key, pair.Topic.Id, pair.Doc, e.Kind.ToString(), e.Message);
                    return new Outcome(asked, FoundNow(pair, have, asked), cut, tin, tout, bad, e.Kind.ToString());
                }

                long promptTokens = response.Usage?.InputTokenCount ?? 0, completionTokens = response.Usage?.OutputTokenCount ?? 0;
                long perSample = completionTokens / Math.Max(1, response.Messages.Count);
                double latency = clock.Elapsed.TotalMilliseconds;
                int first = have.Count;
                var samples = response.Messages.Take(missing).Select((c, j) =>
                {
                    ParsedScore parsedScore = ScoreParser.Parse(c.Text);
                    (long? sampleSeed, long? sampleTokens, bool estimated) = SampleFacts.Read(c);
                    if (estimated)
                    {
                        Interlocked.Increment(ref _estimatedTokenSamples);
                    }

                    return new Judgment(pair.Key, first + j, pair.Topic.Id, pair.Doc, _endpoint.Model, _endpoint.Endpoint, promptSha,
                        parameters, sampleSeed ?? seed, c.Text, parsedScore.Score, parsedScore.Outcome.ToString(), cut, promptTokens, sampleTokens ?? perSample, latency);
                }).ToList();
                // One commit stores the samples and gives up the claim; the samples are then what the store holds: the
                // new ones when all went in, else (another process stored some first) read back.
                int inserted = store.Add(samples, release: pair.Key);
                released = true;
                asked += samples.Count;
                tin += promptTokens;
                tout += completionTokens;
                bad += samples.Count(x => x.Score is null);
                have = inserted == samples.Count ? [.. have, .. samples] : store.Get(pair.Key);
            }
            finally
            {
                if (!released)
                {
                    store.Release(pair.Key);
                }
            }
        }
    }

    private long _estimatedTokenSamples;

    /// <summary>Samples stored so far whose tokens-out count is an estimate (the server gave none for them; see
    /// <see cref="SampleFacts"/>).</summary>
    public long EstimatedTokenSamples => Interlocked.Read(ref _estimatedTokenSamples);

    private const int NoTokenizer = 0;

    private volatile int _tokenizer = -1; // -1 unknown, 0 (NoTokenizer) none, 1 available

    /// <summary>The prompt within the character budget and, when set, the token budget: the document is cut by the
    /// ratio of budget to count (at most 3 rounds of <c>/tokenize</c>), then down to the bare frame, which always fits:
    /// a budget below the frame itself is refused before anything is sent.</summary>
    /// <exception cref="ArgumentException">The budget cannot hold the prompt's frame (its text with an empty query and
    /// document).</exception>
    private async Task<(string Prompt, bool Truncated)> BuildPromptAsync(string query, string doc, CancellationToken ct)
    {
        int chars = options.MaxPromptChars;
        string option = "--max-prompt-chars";
        if (options.MaxPromptTokens > 0 && _tokenizer == NoTokenizer && options.MaxPromptTokens * 4 < chars)
        {
            chars = options.MaxPromptTokens * 4;
            option = $"--max-prompt-tokens {options.MaxPromptTokens} (4 characters a token: this server cannot count tokens)";
        }

        string frame = _frame ??= RetroStarPrompt.Build(options.Definition, "", "");
        if (frame.Length > chars)
        {
            throw new ArgumentException($"{option} leaves {chars:N0} characters for the prompt, below the Retro* prompt's own frame of {frame.Length:N0} characters (its text with an empty query and document): raise it");
        }

        string prompt = RetroStarPrompt.Build(options.Definition, query, doc, chars, out bool cut);
        if (options.MaxPromptTokens <= 0 || _tokenizer == NoTokenizer)
        {
            return (prompt, cut);
        }

        ITokenCounter? counter = client.GetService<ITokenCounter>();
        for (int round = 0; ; round++)
        {
            int? tokens = counter is null ? null : await counter.CountTokensAsync(prompt, ct).ConfigureAwait(false);
            if (tokens is null)
            {
                _tokenizer = NoTokenizer; // this server cannot count: use the character budget from now on
                return await BuildPromptAsync(query, doc, ct).ConfigureAwait(false);
            }

            _tokenizer = 1;
            if (tokens <= options.MaxPromptTokens)
            {
                return (prompt, cut);
            }

            int frameTokens = Volatile.Read(ref _frameTokens);
            if (frameTokens < 0)
            {
                frameTokens = await counter!.CountTokensAsync(frame, ct).ConfigureAwait(false) ?? 0;
                Volatile.Write(ref _frameTokens, frameTokens);
            }

            if (frameTokens > options.MaxPromptTokens)
            {
                throw new ArgumentException($"--max-prompt-tokens {options.MaxPromptTokens} is below the Retro* prompt's own frame of {frameTokens} tokens (its text with an empty query and document, counted by {_endpoint.Endpoint}): raise it");
            }

            // Three rounds by the ratio of budget to count; then the bare frame, which fits (checked above).
            chars = round < 3 ? (int)(prompt.Length * (double)options.MaxPromptTokens / tokens.Value * 0.97) : frame.Length;
            prompt = RetroStarPrompt.Build(options.Definition, query, doc, Math.Max(chars, frame.Length), out _);
            cut = true;
        }
    }

    private int _frameTokens = -1; // tokens of the prompt with an empty query and document, counted once

    private string? _frame; // the prompt with an empty query and document: the same for every pair of a rerank

    private (Run Run, int Unscored, long Unparseable, long Clamped) Assemble(IReadOnlyList<Topic> topics, Run firstStage, List<Pair> pairs)
    {
        var run = new Run($"retro-star-{_endpoint.Model}");
        int unscored = 0;
        long unparseable = 0, clamped = 0;
        var byTopic = pairs.GroupBy(p => p.Topic.Id).ToDictionary(g => g.Key, g => g.ToList());
        foreach (Topic topic in topics.Where(t => firstStage.Contains(t.Id)))
        {
            List<Pair> window = byTopic.GetValueOrDefault(topic.Id) ?? [];
            var scored = new List<(Pair Pair, double Score)>();
            var left = new List<Pair>();
            foreach (Pair p in window)
            {
                List<Judgment> all = [.. p.Samples.Take(p.Target + options.Resample)];
                unparseable += all.Count(s => s.Outcome == nameof(ScoreOutcome.Unparseable));
                clamped += all.Count(s => s.Outcome == nameof(ScoreOutcome.Clamped));
                if (ScoreOf(p, p.Target) is double s)
                {
                    scored.Add((p, s));
                }
                else
                {
                    left.Add(p);
                }
            }

            unscored += left.Count;
            if (options.FirstStageWeight > 0 && scored.Count > 0)
            {
                double min = window.Min(p => p.FirstStageScore);
                double span = window.Max(p => p.FirstStageScore) - min;
                double w = options.FirstStageWeight;
                scored = [.. scored.Select(x => (x.Pair, ((1 - w) * x.Score / 100) + (w * (span > 0 ? (x.Pair.FirstStageScore - min) / span : 1))))];
            }

            var hits = new List<Hit>();
            foreach ((Pair p, double s) in scored.OrderByDescending(x => x.Score).ThenBy(x => x.Pair.Rank))
            {
                hits.Add(new Hit(p.Doc, s + (1e-6 * (options.Top - p.Rank))));
            }

            // Unscored pairs, then the hits beyond the window, keep the first-stage order below every scored pair.
            var inWindow = new HashSet<string>(window.Select(p => p.Doc), StringComparer.Ordinal);
            var excluded = new HashSet<string>(topic.ExcludedIds, StringComparer.Ordinal);
            IEnumerable<string> rest = left.Select(p => p.Doc)
                .Concat(firstStage[topic.Id].Select(h => h.DocId).Where(d => !inWindow.Contains(d) && !excluded.Contains(d)));
            double next = -1;
            foreach (string doc in rest)
            {
                hits.Add(new Hit(doc, next--));
            }

            run.Set(topic.Id, hits);
        }

        return (run, unscored, unparseable, clamped);
    }

    /// <summary>The sampling parameters as they enter a judgment's key: <c>{"temperature":…,"top_p":…,"top_k":…,
    /// "max_tokens":…,"enable_thinking":…}</c>, byte for byte what serializing an object of those fields wrote (keys
    /// of stored judgments depend on it), written without reflection so that the native AOT build gets it too.</summary>
    internal static string ParametersJson(RerankOptions sampling)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("temperature", sampling.Temperature);
            w.WriteNumber("top_p", sampling.TopP);
            w.WriteNumber("top_k", sampling.TopK);
            w.WriteNumber("max_tokens", sampling.MaxTokens);
            w.WriteBoolean("enable_thinking", sampling.EnableThinking);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
