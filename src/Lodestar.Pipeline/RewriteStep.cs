using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Model;
using Lodestar.Rerank.Thinking;
using Lodestar.Rewrite;
using Microsoft.Extensions.AI;

namespace Lodestar.Pipeline;

/// <summary>A query rewrite as a pipeline step: the rewritten topics written as BRIGHT examples JSONL, every answer
/// through the judgment store (resumable, never paid twice).</summary>
public static class RewriteStep
{
    /// <summary>The sampling of <paramref name="method"/> under <paramref name="thinking"/> (the method's defaults).</summary>
    public static LlmSampling Sampling(RewriteMethod method, ThinkingMode thinking)
    {
        LlmSampling defaults = RewritePrompt.DefaultSampling(method.Kind);
        return defaults with { MaxTokens = thinking.MaxTokens(defaults.MaxTokens ?? 512), ChatTemplateKwargs = thinking.ChatTemplateKwargs() };
    }

    /// <summary>What decides the rewrite's output, for the step key.</summary>
    public static string Describe(RewriteMethod method, string model, ThinkingMode thinking)
    {
        LlmSampling s = Sampling(method, thinking);
        return FormattableString.Invariant($"{method}|{model}|t={s.Temperature}|p={s.TopP}|max={s.MaxTokens}|seed={s.Seed}|thinking={thinking}");
    }

    /// <summary>Rewrites <paramref name="topics"/> and writes rewrite i to <c>outputs[i]</c>; returns the figures.</summary>
    /// <exception cref="LlmException">Every topic's call failed.</exception>
    public static async Task<Dictionary<string, double>> RunAsync(IChatClient client, string storePath, RewriteMethod method, ThinkingMode thinking,
        IReadOnlyList<Topic> topics, IReadOnlyList<string> outputs, CancellationToken cancellationToken)
    {
        using var store = new JudgmentStore(storePath);
        var rewriter = new QueryRewriter(new StoredChat(client, store), method, Sampling(method, thinking));
        (List<List<Topic>> rewrites, RewriteSummary s) = await rewriter.RewriteAsync(topics, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (s.Topics > 0 && s.Failed == s.Topics)
        {
            throw new LlmException(LlmFailure.Http, $"rewrite {method}: every one of {s.Topics} topics failed ({string.Join(", ", s.Failures.Select(f => $"{f.Key} {f.Value}"))})");
        }

        for (int i = 0; i < rewrites.Count; i++)
        {
            TopicWriter.Write(outputs[i], rewrites[i]);
        }

        return new() { ["topics"] = s.Topics, ["requested"] = s.Requested, ["reused"] = s.Reused, ["empty"] = s.Empty, ["failed"] = s.Failed };
    }
}
