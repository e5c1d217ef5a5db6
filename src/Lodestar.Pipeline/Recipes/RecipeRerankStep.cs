using Lodestar.Formats;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Model;
using Lodestar.Rerank.Listwise;
using Lodestar.Rerank.RetroStar;
using Lodestar.Rerank.Setwise;
using Microsoft.Extensions.AI;

namespace Lodestar.Pipeline.Recipes;

/// <summary>A recipe's rerank stage on the rerankers of <c>Lodestar.Rerank</c>: Retro* (cascade), listwise, setwise.</summary>
/// <remarks>Every answer goes through the task's judgment store. A stage in which every call failed throws, so the
/// step is not recorded as finished; partial failures keep their first-stage order and are counted.</remarks>
internal static class RecipeRerankStep
{
    /// <summary>Reranks <paramref name="input"/> and writes the run to <paramref name="output"/>; returns the figures.</summary>
    /// <remarks><paramref name="status"/> gets a line at most every 5 seconds (Retro* pairs, listwise topics).</remarks>
    public static async Task<Dictionary<string, double>> RunAsync(RecipeRerank rerank, IChatClient client, string storePath, string task, List<Topic> topics,
        Run input, Func<string, string?> textOf, string output, int maxNewTokens, IProgress<string>? status, CancellationToken ct)
    {
        using var store = new JudgmentStore(storePath);
        var every = new Throttle(status, $"{task}/rerank:{rerank.Name}");
        (Run run, Dictionary<string, double> figures) = rerank.Method switch
        {
            "retro-star" => await RetroStarAsync(rerank, client, store, task, topics, input, textOf, maxNewTokens, every, ct).ConfigureAwait(false),
            "listwise" => await ListwiseAsync(rerank, new StoredChat(client, store), topics, input, textOf, every, ct).ConfigureAwait(false),
            _ => await SetwiseAsync(rerank, new StoredChat(client, store), topics, input, textOf, ct).ConfigureAwait(false),
        };
        run.Name = rerank.Name;
        TrecRunFormat.Write(output, run);
        return figures;
    }

    private static async Task<(Run, Dictionary<string, double>)> RetroStarAsync(RecipeRerank rerank, IChatClient client, JudgmentStore store, string task,
        List<Topic> topics, Run input, Func<string, string?> textOf, int maxNewTokens, Throttle every, CancellationToken ct)
    {
        var options = new RerankOptions { MaxTokens = maxNewTokens, Definition = RelevanceDefinition.ForTask(task) };
        (Run run, List<RerankSummary> summaries) = await RetroStarReranker.CascadeAsync(client, store, options, rerank.Cascade, topics, input, textOf,
            new Reporter<RetroStarReranker.Progress>(p => every.Report($"{p.Done:N0}/{p.Total:N0} pairs of this stage, {p.Failures} failed requests")), ct)
            .ConfigureAwait(false);
        if (summaries.FirstOrDefault(s => s.Pairs > 0 && s.Unscored == s.Pairs) is { } failed)
        {
            throw new LlmException(LlmFailure.Http, $"rerank {rerank.Name}: none of {failed.Pairs} pairs got a score (failures: {Kinds(failed.Failures)})");
        }

        return (run, new()
        {
            ["pairs"] = summaries.Sum(s => s.Pairs),
            ["requested"] = summaries.Sum(s => s.Requested),
            ["reused"] = summaries.Sum(s => s.Reused),
            ["unparseable"] = summaries.Sum(s => s.Unparseable),
            ["failures"] = summaries.Sum(s => s.Failures.Values.Sum()),
            ["unscored"] = summaries[^1].Unscored,
        });
    }

    private static async Task<(Run, Dictionary<string, double>)> ListwiseAsync(RecipeRerank rerank, StoredChat chat, List<Topic> topics, Run input,
        Func<string, string?> textOf, Throttle every, CancellationToken ct)
    {
        var defaults = new ListwiseOptions();
        var options = new ListwiseOptions
        {
            Top = rerank.Top,
            Window = rerank.Window,
            Stride = rerank.Stride,
            Passes = rerank.Passes,
            Prompt = rerank.Prompt,
            Sampling = defaults.Sampling with { MaxTokens = rerank.Thinking.MaxTokens(defaults.Sampling.MaxTokens ?? 4096), ChatTemplateKwargs = rerank.Thinking.ChatTemplateKwargs() },
        };
        (Run run, ListwiseSummary s) = await new ListwiseReranker(chat, options).RerankAsync(topics, input, textOf,
            new Reporter<ListwiseReranker.Progress>(p => every.Report($"{p.Done:N0}/{p.Total:N0} topics, {p.Windows:N0} windows, {p.FailedWindows} failed")), ct).ConfigureAwait(false);
        if (s.Windows > 0 && s.FailedWindows == s.Windows)
        {
            throw new LlmException(LlmFailure.Http, $"rerank {rerank.Name}: every one of {s.Windows} windows failed (failures: {Kinds(chat.Counters.Failures)})");
        }

        return (run, new() { ["windows"] = s.Windows, ["requested"] = s.Requested, ["reused"] = s.Reused, ["failed_windows"] = s.FailedWindows });
    }

    private static async Task<(Run, Dictionary<string, double>)> SetwiseAsync(RecipeRerank rerank, StoredChat chat, List<Topic> topics, Run input,
        Func<string, string?> textOf, CancellationToken ct)
    {
        var defaults = new SetwiseOptions();
        var options = new SetwiseOptions
        {
            Top = rerank.Top,
            K = rerank.SetwiseK,
            Children = rerank.Children,
            Sampling = defaults.Sampling with { MaxTokens = rerank.Thinking.MaxTokens(defaults.Sampling.MaxTokens ?? 256), ChatTemplateKwargs = rerank.Thinking.ChatTemplateKwargs() },
        };
        (Run run, SetwiseSummary s) = await new SetwiseReranker(chat, options).RerankAsync(topics, input, textOf, ct).ConfigureAwait(false);
        if (s.Comparisons > 0 && s.Failed == s.Comparisons)
        {
            throw new LlmException(LlmFailure.Http, $"rerank {rerank.Name}: every one of {s.Comparisons} comparisons failed (failures: {Kinds(chat.Counters.Failures)})");
        }

        return (run, new() { ["comparisons"] = s.Comparisons, ["requested"] = s.Requested, ["reused"] = s.Reused, ["unparseable"] = s.Unparseable, ["failed"] = s.Failed });
    }

    /// <summary>Passes at most one line every 5 seconds to <c>status</c>, prefixed with the step.</summary>
    private sealed class Throttle(IProgress<string>? status, string step)
    {
        private long _next;

        public void Report(string line)
        {
            long now = Environment.TickCount64, next = Interlocked.Read(ref _next);
            if (status is not null && now >= next && Interlocked.CompareExchange(ref _next, now + 5000, next) == next)
            {
                status.Report($"{step}: {line}");
            }
        }
    }

    /// <summary>Reports on the reporting thread.</summary>
    private sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private static string Kinds(IReadOnlyDictionary<string, int> failures) => failures.Count == 0 ? "none" : string.Join(", ", failures.Select(f => $"{f.Key} {f.Value}"));
}
