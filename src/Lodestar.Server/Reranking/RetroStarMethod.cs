using System.Collections.Concurrent;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Lodestar.Server.Telemetry;
using Microsoft.Extensions.AI;

namespace Lodestar.Server.Reranking;

/// <summary>Retro* behind <see cref="IReranker"/>: the library's <see cref="RetroStarReranker"/> with the shared
/// judgment store, so a repeated request is answered from the store and nothing paid for is asked twice.</summary>
/// <param name="client">The chat client (a server or the embedded engine), shared by all requests.</param>
/// <param name="store">The judgment store.</param>
/// <param name="defaults">The settings a request does not override (sampling, integration, prompt budget).</param>
/// <param name="metrics">Counters of samples, store hits and failures.</param>
public sealed class RetroStarMethod(IChatClient client, JudgmentStore store, RerankOptions defaults, ServerMetrics metrics) : IReranker
{
    /// <summary>The method's name.</summary>
    public const string Name = "retro-star";

    /// <inheritdoc />
    public string Method => Name;

    /// <summary>The model's name.</summary>
    public string Model { get; } = client.GetService<ChatEndpoint>()?.Model ?? "unknown";

    /// <inheritdoc />
    public async Task<RerankOutcome> RerankAsync(RerankInput input, CancellationToken cancellationToken)
    {
        var options = defaults with
        {
            Top = input.Candidates.Count,
            Samples = input.Samples ?? defaults.Samples,
            Definition = input.Definition ?? defaults.Definition,
        };
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstStage = new Run("first-stage");
        for (int i = 0; i < input.Candidates.Count; i++)
        {
            RerankCandidate c = input.Candidates[i];
            texts[c.Id] = c.Text;
            position[c.Id] = i;
            firstStage.Add("q", new Hit(c.Id, c.FirstStageScore));
        }

        var samples = new ConcurrentDictionary<string, IReadOnlyList<Judgment>>(StringComparer.Ordinal);
        using var recorder = new FailureRecorder(client);
        var reranker = new RetroStarReranker(recorder, store, options) { PairScored = (_, doc, list) => samples[doc] = [.. list] };
        (Run run, RerankSummary summary) = await reranker.RerankAsync([new Topic("q", input.Query)], firstStage,
            id => texts.GetValueOrDefault(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        metrics.RecordRerank(Name, summary.Requested, summary.Reused, summary.Failures.Values.Sum());
        if (!recorder.Failures.IsEmpty)
        {
            LlmException first = recorder.Failures.First();
            int status = first.Kind is LlmFailure.Timeout or LlmFailure.Connection ? 503 : 502;
            throw new BackendException(status, $"{summary.Failures.Values.Sum()} of {summary.Pairs} pairs failed after retries ({string.Join(", ", summary.Failures.Select(f => $"{f.Key} {f.Value}"))}); " +
                $"first: {first.Message}. Samples that arrived are stored; a retry asks only for the rest.");
        }

        var candidates = new List<RerankedCandidate>();
        foreach (Hit hit in run["q"])
        {
            IReadOnlyList<Judgment> list = samples.GetValueOrDefault(hit.DocId) ?? [];
            double? score = Integrate(list, options);
            candidates.Add(new RerankedCandidate(position[hit.DocId], hit.DocId, score / 100,
                [.. list.Select(j => new SampleTrace(j.SampleIndex, j.Raw, j.Score, j.Outcome))]));
        }

        return new RerankOutcome(Name, Model, candidates, summary.Requested, summary.Reused, summary.Unparseable, summary.TokensIn, summary.TokensOut);
    }

    /// <summary>The integrated score (0–100) of a pair's samples, as the library integrates them.</summary>
    private static double? Integrate(IReadOnlyList<Judgment> list, RerankOptions options)
    {
        List<Judgment> used = options.Resample == 0 ? [.. list.Take(options.Samples)] : [.. list.Where(s => s.Score is not null).Take(options.Samples)];
        return used.Count == 0 ? null
            : ScoreIntegration.Integrate([.. used.Select(s => new ParsedScore(s.Score, Enum.Parse<ScoreOutcome>(s.Outcome)))], options.Integration, options.OnFailure);
    }
}
