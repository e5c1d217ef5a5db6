using System.Text.Json.Nodes;
using Lodestar.Synthesis.Mcts;

namespace Lodestar.Synthesis.Data;

/// <summary><c>synth queries</c>: for each kept (problem, theorem) pair, RaDeR's other query kinds.</summary>
/// <remarks>
/// <c>q_mcts</c> (the search's own query), <c>q_llmq</c> (asked of the model; it must not name the theorem: a query
/// that does is regenerated with the next sample, up to a limit, then dropped and counted), <c>q_CoT</c> (the
/// problem and the partial solution up to the retrieval step), <c>q_question</c> (the problem) and <c>q_lexical</c>
/// (keywords of the positive document).
/// </remarks>
public sealed class QueryKinds(SynthChat chat, int maxTries = 3)
{
    /// <summary>Counts: queries written per kind, q_llmq dropped for naming the theorem.</summary>
    public SortedDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the token budget stopped the run; the pairs done before it are written.</summary>
    public bool BudgetStopped { get; private set; }

    /// <summary>Writes <c>queries.jsonl</c> in <paramref name="folder"/> from its <c>pairs.jsonl</c>.</summary>
    /// <remarks>When the token budget runs out the pairs done so far are written and <see cref="BudgetStopped"/> is
    /// set; a rerun takes every stored answer from the store and continues.</remarks>
    public async Task<int> RunAsync(string folder, CancellationToken ct)
    {
        Dictionary<string, string> documents = SynthFolder.ReadDocuments(folder);
        var lines = new List<JsonObject>();
        foreach ((_, JsonObject pair) in Jsonl.Read(Path.Combine(folder, MctsOutput.Pairs)))
        {
            string question = pair["question"]!.GetValue<string>();
            string cot = pair["cot"]?.GetValue<string>() ?? "";
            string? theorem = pair["theorem"]?.GetValue<string>();
            string positive = documents.GetValueOrDefault(SynthFolder.Ids(pair, "positives").FirstOrDefault() ?? "", "");
            string? llmq;
            try
            {
                llmq = await LlmQueryAsync(pair["query_id"]!.GetValue<string>(), question, cot, positive, theorem, ct).ConfigureAwait(false);
            }
            catch (BudgetExhaustedException)
            {
                BudgetStopped = true;
                break;
            }

            Add(lines, pair, "q_mcts", pair["query"]!.GetValue<string>());
            if (llmq is not null)
            {
                Add(lines, pair, "q_llmq", llmq);
            }

            Add(lines, pair, "q_CoT", cot.Length == 0 ? question : $"{question}\n{cot}");
            Add(lines, pair, "q_question", question);
            string lexical = Keywords.Of(positive);
            if (lexical.Length > 0)
            {
                Add(lines, pair, "q_lexical", lexical);
            }
        }

        Jsonl.Write(Path.Combine(folder, SynthFolder.Queries), lines);
        return lines.Count;
    }

    private void Add(List<JsonObject> lines, JsonObject pair, string kind, string query)
    {
        lines.Add(SynthFolder.QueryOf(pair, kind, query));
        Counts[kind] = Counts.GetValueOrDefault(kind) + 1;
    }

    /// <summary>The instruction of an LLM query.</summary>
    public const string Instruction = "Write the search query a student solving this problem would type to find the document above. Do not name the theorem or the document; describe the idea that is needed. One line starting with \"Query:\".";

    private async Task<string?> LlmQueryAsync(string id, string question, string cot, string positive, string? theorem, CancellationToken ct)
    {
        string prompt = $"Problem: {question}\n\nPartial solution:\n{(cot.Length == 0 ? "(none)" : cot)}\n\nDocument: {(positive.Length > 2000 ? positive[..2000] : positive)}\n\n{Instruction}";
        long seed = SynthChat.SeedOf(chat.Sampling.Seed, id, "llmq");
        for (int attempt = 0; attempt < maxTries; attempt++)
        {
            // Attempt i is answer i of one stored call (seeded seed + i): a rerun reuses every attempt.
            string text = (await chat.AskAsync("synth:llmq", [("system", MctsPrompts.System), ("user", prompt)], seed, attempt + 1, ct).ConfigureAwait(false))[attempt];
            string? query = MctsPrompts.ParseQuery(text);
            if (query is null)
            {
                chat.CountUnparseable("no_query");
                continue;
            }

            if (theorem is not null && Keywords.Names(query, theorem))
            {
                Counts["q_llmq_named_theorem"] = Counts.GetValueOrDefault("q_llmq_named_theorem") + 1;
                continue;
            }

            return query;
        }

        Counts["q_llmq_dropped"] = Counts.GetValueOrDefault("q_llmq_dropped") + 1;
        return null;
    }
}
