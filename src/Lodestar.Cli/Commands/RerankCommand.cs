using System.CommandLine;
using System.Text.Json;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Lodestar.Llm.Rerank;
using Lodestar.Model;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar rerank</c>: Retro* over an OpenAI-compatible server, every sample kept in a judgment store so that a
/// stopped run resumes without asking again; and <c>lodestar judgments stats|export</c>.
/// </summary>
internal static class RerankCommand
{
    public static Command Create(CliContext context)
    {
        var index = new Option<string>("--index") { Description = "Index holding the documents' text.", Required = true };
        var topics = new Option<string>("--topics") { Description = "Topics (BRIGHT examples give excluded ids).", Required = true };
        var run = new Option<string>("--run") { Description = "First-stage run (TREC or BRIGHT JSON).", Required = true };
        var endpoint = new Option<string>("--endpoint") { Description = "Server base URL, e.g. http://127.0.0.1:30000.", Required = true };
        var model = new Option<string>("--model") { Description = "Model name on the server.", Required = true };
        var apiKey = new Option<string?>("--api-key") { Description = "Bearer token (or set LODESTAR_API_KEY)." };
        var task = new Option<string>("--task") { Description = "A BRIGHT task (its relevance definition) or 'custom'.", DefaultValueFactory = _ => "custom" };
        var queryType = new Option<string?>("--query-type") { Description = "Custom definition: query type." };
        var docType = new Option<string?>("--doc-type") { Description = "Custom definition: document type." };
        var definition = new Option<string?>("--definition") { Description = "Custom definition: the relevance definition." };
        var top = new Option<int>("--top") { Description = "Hits reranked per topic.", DefaultValueFactory = _ => 100 };
        var samples = new Option<int>("--samples") { Description = "K, samples per pair.", DefaultValueFactory = _ => 1 };
        var inFlight = new Option<int>("--in-flight") { Description = "Requests in flight; size it to the server's concurrency.", DefaultValueFactory = _ => 64 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds per attempt.", DefaultValueFactory = _ => 600 };
        var retries = new Option<int>("--retries") { Description = "Retries of a transient failure.", DefaultValueFactory = _ => 4 };
        var maxChars = new Option<int>("--max-prompt-chars") { Description = "Prompt budget in characters (document cut first, then query).", DefaultValueFactory = _ => 100_000 };
        var onFailure = new Option<FailureRule>("--on-failure") { Description = "Unparseable samples: skip (default) or zero (the authors' rule).", DefaultValueFactory = _ => FailureRule.Skip };
        var integration = new Option<Integration>("--integration") { Description = "mean (paper), median or trimmedmean.", DefaultValueFactory = _ => Integration.Mean };
        var storePath = new Option<string?>("--store") { Description = "Judgment store (SQLite); default OUTPUT.judgments.db." };
        var output = new Option<string>("--output", "-o") { Description = "Reranked run: .json for BRIGHT JSON, else TREC.", Required = true };
        var command = new Command("rerank", "Rerank a run with Retro* on an OpenAI-compatible server; resumable.")
        {
            index, topics, run, endpoint, model, apiKey, task, queryType, docType, definition, top, samples, inFlight, timeout, retries, maxChars,
            onFailure, integration, storePath, output,
        };
        command.SetAction(parse =>
        {
            RelevanceDefinition d = parse.GetValue(task) == "custom"
                ? new RelevanceDefinition(
                    parse.GetValue(queryType) ?? RelevanceDefinition.Default.QueryType,
                    parse.GetValue(docType) ?? RelevanceDefinition.Default.DocType,
                    parse.GetValue(definition) ?? RelevanceDefinition.Default.Definition)
                : RelevanceDefinition.Bright.TryGetValue(parse.GetValue(task)!, out RelevanceDefinition? known) ? known
                : throw new ArgumentException($"unknown task '{parse.GetValue(task)}', expected 'custom' or one of: {string.Join(", ", RelevanceDefinition.Bright.Keys)}");
            string outPath = parse.GetValue(output)!;
            using IndexReader reader = IndexReader.Open(parse.GetValue(index)!);
            using var client = new OpenAiClient(new EndpointOptions
            {
                BaseUrl = new Uri(parse.GetValue(endpoint)!),
                Model = parse.GetValue(model)!,
                ApiKey = parse.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("LODESTAR_API_KEY"),
                MaxInFlight = parse.GetValue(inFlight),
                RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                MaxRetries = parse.GetValue(retries),
            });
            using var store = new JudgmentStore(parse.GetValue(storePath) ?? outPath + ".judgments.db");
            var reranker = new RetroStarReranker(client, store, new RerankOptions
            {
                Definition = d,
                Top = parse.GetValue(top),
                Samples = parse.GetValue(samples),
                MaxPromptChars = parse.GetValue(maxChars),
                OnFailure = parse.GetValue(onFailure),
                Integration = parse.GetValue(integration),
            });
            List<Topic> list = TopicReader.Read(parse.GetValue(topics)!);
            Run firstStage = EvalInputs.ReadRun(parse.GetValue(run)!);
            (Run reranked, RerankSummary s) = context.WithProgress("reranking", "pairs", report =>
                reranker.RerankAsync(list, firstStage, id => reader.TryGetDoc(id, out int doc) ? reader.GetText(doc) : null,
                    new Progress<RetroStarReranker.Progress>(p => report(p.Done, p.Total))).GetAwaiter().GetResult());
            SearchCommand.WriteRun(outPath, reranked);
            context.Error.WriteLine(
                $"reranked {s.Pairs:N0} pairs of {s.Topics} topics in {s.Seconds:F1} s ({s.PairsPerSecond:N1} pairs/s): {s.Requested:N0} samples asked, " +
                $"{s.Reused:N0} from the store; {s.Unparseable} unparseable, {s.Clamped} clamped, {s.Truncated} truncated prompts, " +
                $"failures {(s.Failures.Count == 0 ? "none" : string.Join(", ", s.Failures.Select(f => $"{f.Key} {f.Value}")))}; " +
                $"{s.Unscored} pairs unscored (kept at first-stage rank); tokens in {s.TokensIn:N0}, out {s.TokensOut:N0}; wrote {outPath}");
            return 0;
        });
        return command;
    }

    public static Command CreateJudgments(CliContext context)
    {
        var store = new Argument<string>("store") { Description = "Judgment store (SQLite)." };
        var stats = new Command("stats", "Counts of samples, failures and tokens.") { store };
        stats.SetAction(parse =>
        {
            using var s = new JudgmentStore(parse.GetValue(store)!);
            var (samples, unparseable, clamped, failures, tin, tout) = s.Stats();
            context.Out.WriteLine($"samples {samples}\nunparseable {unparseable}\nclamped {clamped}\nfailed requests {failures}\ntokens in {tin}\ntokens out {tout}");
            return 0;
        });
        var exportStore = new Argument<string>("store") { Description = "Judgment store (SQLite)." };
        var output = new Option<string>("--output", "-o") { Description = "JSONL file, one sample a line.", Required = true };
        var export = new Command("export", "Export every sample as JSONL (for training data).") { exportStore, output };
        export.SetAction(parse =>
        {
            using var s = new JudgmentStore(parse.GetValue(exportStore)!);
            var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
            AtomicFile.Write(parse.GetValue(output)!, stream =>
            {
                foreach (Judgment j in s.All())
                {
                    JsonSerializer.Serialize(stream, j, options);
                    stream.WriteByte((byte)'\n');
                }
            });
            return 0;
        });
        return new Command("judgments", "Inspect and export the judgment store.") { stats, export };
    }
}
