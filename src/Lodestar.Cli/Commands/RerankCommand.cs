using System.CommandLine;
using System.Runtime.InteropServices;
using Lodestar.Cli.Options;
using System.Text.Json;
using Lodestar.Errors;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Llm.Client;
using Lodestar.Llm.Engine;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Lodestar.Hub;
using Microsoft.Extensions.AI;

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
        var endpoint = new Option<string[]>("--endpoint") { Description = "Server base URL, e.g. http://127.0.0.1:30000 (or use --gguf); repeat it for replicas of one model, balanced by least outstanding requests." }.Url();
        var model = new Option<string?>("--model") { Description = "Model name on the server." };
        var gguf = new Option<string?>("--gguf") { Description = "Run the model embedded (llama.cpp): a .gguf path or hf:OWNER/REPO/FILE.gguf in the model cache." };
        var llamaLib = new Option<string?>("--llama-lib") { Description = "Folder with libllama/libggml (default: tools/llama, LODESTAR_LLAMA_LIB)." };
        var chatFormat = new Option<ChatFormat>("--chat-format") { Description = "Embedded chat template: auto, chatml, llama3 or gguf.", DefaultValueFactory = _ => ChatFormat.Auto };
        var contextSize = new Option<int>("--context") { Description = "Embedded context in tokens (prompt + K answers).", DefaultValueFactory = _ => 8192 }.Range(256, 1_048_576);
        var threads = new Option<int>("--threads") { Description = "Embedded engine: CPU threads (0: all cores).", DefaultValueFactory = _ => 0 }.Range(0, 4096);
        Option<string?> gpuLayers = GpuLayersOption.Create();
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Tokens an answer may have.", DefaultValueFactory = _ => 4096 }.Range(1, 1_048_576);
        var apiKey = new Option<string?>("--api-key") { Description = "Bearer token (or set LODESTAR_API_KEY)." };
        var task = new Option<string>("--task") { Description = "A BRIGHT task (its relevance definition) or 'custom'.", DefaultValueFactory = _ => "custom" };
        var queryType = new Option<string?>("--query-type") { Description = "Custom definition: query type." };
        var docType = new Option<string?>("--doc-type") { Description = "Custom definition: document type." };
        var definition = new Option<string?>("--definition") { Description = "Custom definition: the relevance definition." };
        var top = new Option<int>("--top") { Description = "Hits reranked per topic.", DefaultValueFactory = _ => 100 }.Range(1, 100_000);
        var samples = new Option<int>("--samples") { Description = "K, samples per pair.", DefaultValueFactory = _ => 1 }.Range(1, 1000);
        var inFlight = new Option<int>("--in-flight") { Description = "Requests in flight; 0 = the server's own concurrency where it says (SGLang, llama.cpp), else 64.", DefaultValueFactory = _ => 0 }.Range(0, 4096);
        var resample = new Option<int>("--resample") { Description = "Extra samples a pair may draw to replace unparseable ones.", DefaultValueFactory = _ => 0 }.Range(0, 1000);
        var timeout = new Option<int>("--timeout") { Description = "Seconds per attempt.", DefaultValueFactory = _ => 600 }.Range(1, 86_400);
        var retries = new Option<int>("--retries") { Description = "Retries of a transient failure.", DefaultValueFactory = _ => 4 }.Range(0, 100);
        var maxTokens = new Option<int>("--max-prompt-tokens") { Description = "Prompt budget in tokens (context - max new tokens - 128), counted by the server's /tokenize or --tokenizer; 0 = none. A budget below the prompt's own frame is refused (exit 2).", DefaultValueFactory = _ => 0 }.Range(0, 10_000_000);
        var tokenizer = new Option<string?>("--tokenizer") { Description = "Counts prompt tokens where the server has no /tokenize: chars, cl100k, o200k, model:NAME, FILE.gguf or FILE.model (default: the encoding of a known OpenAI model name, else 4 characters a token)." };
        var maxChars = new Option<int>("--max-prompt-chars") { Description = "Prompt budget in characters (document cut first, then query).", DefaultValueFactory = _ => 100_000 }.Range(1000, 100_000_000);
        var onFailure = new Option<FailureRule>("--on-failure") { Description = "Unparseable samples: skip (default) or zero (the authors' rule).", DefaultValueFactory = _ => FailureRule.Skip };
        var integration = new Option<Integration>("--integration") { Description = "mean (paper), median or trimmedmean.", DefaultValueFactory = _ => Integration.Mean };
        var cascade = new Option<string?>("--cascade") { Description = "Stages TOP@K, e.g. 100@1,30@16 (overrides --top and --samples)." };
        var fuse = new Option<string?>("--fuse") { Description = "first-stage=W: final = (1-W)*score/100 + W*minmax(first-stage score)." };
        var storePath = new Option<string?>("--store") { Description = "Judgment store (SQLite); default OUTPUT.judgments.db." };
        var output = new Option<string>("--output", "-o") { Description = "Reranked run: .json for BRIGHT JSON, else TREC.", Required = true };
        var maxFailures = new Option<int?>("--max-failures") { Description = "Requests that may fail for good (after retries) before the rerank stops with exit 1, the store kept (default: 5% of the pairs, at least 10)." }.Range(0, int.MaxValue);
        var command = new Command("rerank", "Rerank a run with Retro* on an OpenAI-compatible server or the embedded engine; resumable.")
        {
            index, topics, run, endpoint, model, gguf, llamaLib, chatFormat, contextSize, threads, gpuLayers, maxNew, apiKey, task, queryType, docType, definition, top, samples, inFlight, resample, timeout, retries, maxChars, maxTokens, tokenizer,
            onFailure, integration, cascade, fuse, storePath, output, maxFailures,
        };
        var methods = new RerankMethodOptions();
        methods.AddTo(command);
        var adaptive = new AdaptiveKOptions();
        adaptive.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            // Ctrl-C (SIGINT) and SIGTERM stop the rerank cleanly: requests in flight are abandoned, answered samples
            // stay in the store, and the resume command is printed. A second Ctrl-C kills the process as usual.
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop(interrupt));
            using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop(interrupt));
            CancellationToken ct = interrupt.Token;
            RelevanceDefinition d = parse.GetValue(task) == "custom"
                ? new RelevanceDefinition(
                    parse.GetValue(queryType) ?? RelevanceDefinition.Default.QueryType,
                    parse.GetValue(docType) ?? RelevanceDefinition.Default.DocType,
                    parse.GetValue(definition) ?? RelevanceDefinition.Default.Definition)
                : RelevanceDefinition.Bright.TryGetValue(parse.GetValue(task)!, out RelevanceDefinition? known) ? known
                : throw new ArgumentException($"unknown task '{parse.GetValue(task)}', expected 'custom' or one of: {string.Join(", ", RelevanceDefinition.Bright.Keys)}");
            string outPath = parse.GetValue(output)!;
            var options = new RerankOptions
            {
                Definition = d,
                Samples = parse.GetValue(samples),
                MaxPromptChars = parse.GetValue(maxChars),
                MaxPromptTokens = parse.GetValue(maxTokens),
                Resample = parse.GetValue(resample),
                OnFailure = parse.GetValue(onFailure),
                Integration = parse.GetValue(integration),
                FirstStageWeight = ParseFuse(parse.GetValue(fuse)),
                MaxTokens = parse.GetValue(maxNew),
                MaxFailures = parse.GetValue(maxFailures),
            };

            options = adaptive.ApplyTo(parse, samples, methods.ApplyTo(parse, options));
            List<(int Top, int Samples)> stages = parse.GetValue(cascade) is string c ? ParseCascade(c) : [(parse.GetValue(top), options.Samples)];
            // Every input is checked, and the server too, before the store is created or any pair is sent.
            AtomicFile.CheckTarget(outPath);
            List<Topic> list = TopicReader.Read(parse.GetValue(topics)!);
            Run firstStage = EvalInputs.ReadRun(parse.GetValue(run)!);
            CheckTopics(list, firstStage, parse.GetValue(topics)!, parse.GetValue(run)!);
            using IndexReader reader = IndexReader.Open(parse.GetValue(index)!);
            using IChatClient client = ChatPipeline.WithTokenizer(context, OpenClient(context, parse.GetValue(endpoint), parse.GetValue(model), parse.GetValue(apiKey), parse.GetValue(inFlight),
                parse.GetValue(timeout), parse.GetValue(retries), parse.GetValue(gguf), parse.GetValue(llamaLib),
                new LlamaChatOptions(parse.GetValue(chatFormat), methods.Context(parse, parse.GetValue(contextSize)), Threads: parse.GetValue(threads)), GpuLayersOption.Value(parse, gpuLayers), ct),
                parse.GetValue(tokenizer), parse.GetValue(model), parse.GetValue(llamaLib));
            string storeFile = parse.GetValue(storePath) ?? outPath + ".judgments.db";
            using var store = new JudgmentStore(storeFile);
            string resume = $"the samples answered so far are kept in {storeFile}; resume with: lodestar {string.Join(' ', parse.Tokens.Select(t => Quote(t.Value)))}";
            if (!methods.IsRetroStar(parse))
            {
                return methods.RunListwise(parse, context, client, store, list, firstStage, id => reader.TryGetDoc(id, out int doc) ? reader.GetText(doc) : null,
                    parse.GetValue(top), parse.GetValue(maxNew), outPath);
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            Run reranked;
            List<RerankSummary> summaries;
            try
            {
                (reranked, summaries) = await context.WithProgressAsync("reranking", "pairs", report =>
                    RetroStarReranker.CascadeAsync(client, store, options, stages, list, firstStage, id => reader.TryGetDoc(id, out int doc) ? reader.GetText(doc) : null,
                        new Progress<RetroStarReranker.Progress>(p => report(p.Done, p.Total,
                            $"reranking: {p.TokensOut / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0} tokens/s, {p.Unparseable} unparseable, {p.Failures} failed")), ct)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                context.Error.WriteLine($"lodestar: stopped; {resume}");
                return 130;
            }
            catch (RerankAbortedException e)
            {
                context.Error.WriteLine($"lodestar: {e.Message}");
                context.Error.WriteLine($"lodestar: {resume}");
                return 1;
            }

            foreach (RerankSummary s in summaries)
            {
                context.Error.WriteLine(
                $"reranked {s.Pairs:N0} pairs of {s.Topics} topics in {s.Seconds:F1} s ({s.PairsPerSecond:N1} pairs/s): {s.Requested:N0} samples asked, " +
                $"{s.Reused:N0} from the store; {s.Unparseable} unparseable, {s.Clamped} clamped, {s.Truncated} truncated prompts, " +
                $"failures {(s.Failures.Count == 0 ? "none" : string.Join(", ", s.Failures.Select(f => $"{f.Key} {f.Value}")))}; " +
                $"retried {(s.Retries.Count == 0 ? "none" : string.Join(", ", s.Retries.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")) + $" ({s.RetrySeconds:F1} s waiting)")}; " +
                $"{s.Unscored} pairs unscored (kept at first-stage rank); tokens in {s.TokensIn:N0}, out {s.TokensOut:N0}" +
                (s.EstimatedTokenSamples > 0 ? $" (estimated for {s.EstimatedTokenSamples:N0} samples: the server counted only part of an n > 1 request)" : "") +
                (s.ClaimsTakenOver > 0 ? $"; {s.ClaimsTakenOver} expired claims of other processes taken over" : ""));
                if (AdaptiveKOptions.Describe(s) is string line)
                {
                    context.Error.WriteLine(line);
                }
            }

            if (summaries.Count > 0 && summaries[^1] is { Pairs: > 0 } last && last.Unscored == last.Pairs)
            {
                context.Error.WriteLine($"lodestar: no pair got a score, so no reranked run was written; {resume}");
                return 1;
            }

            SearchCommand.WriteRun(outPath, reranked);
            context.Error.WriteLine($"wrote {outPath}");
            return 0;
        });
        return command;
    }

    private static Action<PosixSignalContext> Stop(CancellationTokenSource interrupt) => signal =>
    {
        if (!interrupt.IsCancellationRequested)
        {
            signal.Cancel = true;
            interrupt.Cancel();
        }
    };

    /// <summary>Refuses a run whose topics are missing from the topic file (they would be dropped from the output).</summary>
    internal static void CheckTopics(List<Topic> topics, Run run, string topicsPath, string runPath)
    {
        var known = new HashSet<string>(topics.Select(t => t.Id), StringComparer.Ordinal);
        List<string> missing = [.. run.TopicIds.Where(id => !known.Contains(id))];
        if (missing.Count > 0)
        {
            throw new InputException(new SourcePosition(topicsPath, 0, 0),
                $"expected every topic of {runPath}, found {missing.Count} of its {run.TopicIds.Count} topics missing: " +
                $"{string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}");
        }
    }

    private static string Quote(string arg) => arg.Length > 0 && arg.All(ch => char.IsLetterOrDigit(ch) || "-_./:=@,+%".Contains(ch)) ? arg : $"'{arg.Replace("'", "'\\''")}'";

    /// <summary>The chat client: one server or a pool of replicas (<c>--endpoint</c> once or repeated, <c>--model</c>),
    /// or the embedded engine (<c>--gguf</c>).</summary>
    internal static IChatClient OpenClient(CliContext context, IReadOnlyList<string>? endpoints, string? model, string? apiKey, int inFlight, int timeout, int retries,
        string? gguf, string? llamaLib, LlamaChatOptions embedded, int? gpuLayers = null, CancellationToken ct = default) =>
        endpoints is { Count: > 1 }
            ? EndpointPoolReport.Open(context, endpoints, gguf, url => OpenClient(context, url, model, apiKey, inFlight, timeout, retries, null, llamaLib, embedded, gpuLayers, ct))
            : OpenClient(context, endpoints is { Count: 1 } ? endpoints[0] : null, model, apiKey, inFlight, timeout, retries, gguf, llamaLib, embedded, gpuLayers, ct);

    /// <summary>The chat client: a server (<c>--endpoint</c>, <c>--model</c>) or the embedded engine (<c>--gguf</c>).</summary>
    internal static IChatClient OpenClient(CliContext context, string? endpoint, string? model, string? apiKey, int inFlight, int timeout, int retries,
        string? gguf, string? llamaLib, LlamaChatOptions embedded, int? gpuLayers = null, CancellationToken ct = default)
    {
        if ((endpoint is null) == (gguf is null))
        {
            throw new ArgumentException("give either --endpoint URL --model NAME (a server) or --gguf MODEL (embedded llama.cpp)");
        }

        if (gguf is not null)
        {
            string path = ModelCache.Resolve(gguf);
            LlamaModel loaded = LlamaModel.Load(path, llamaLib, gpuLayers);
            GpuLayersOption.Report(context, gpuLayers);
            var client = new LlamaChatClient(loaded, embedded, ownsModel: true);
            context.Error.WriteLine($"embedded llama.cpp {LlamaLibrary.Version}: {loaded.Description}, chat format {client.Format}, " +
                $"context {client.ContextSize} tokens, {client.Threads} threads, from {LlamaLibrary.LoadedFrom}");
            if (client.ContextCapped)
            {
                context.Error.WriteLine($"note: --context {embedded.ContextSize} is more than the model was trained with; using its {client.ContextSize} tokens");
            }
            return ChatPipeline.Build(context, client);
        }

        var endpointOptions = new EndpointOptions
        {
            BaseUrl = Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? baseUrl) && baseUrl.Scheme is "http" or "https" ? baseUrl
                : throw new ArgumentException($"--endpoint expects an http:// or https:// URL such as http://127.0.0.1:30000, found '{endpoint}'"),
            Model = model ?? throw new ArgumentException("--endpoint needs --model NAME"),
            ApiKey = apiKey ?? Environment.GetEnvironmentVariable("LODESTAR_API_KEY"),
            MaxInFlight = Math.Max(1, inFlight),
            RequestTimeout = TimeSpan.FromSeconds(timeout),
            MaxRetries = retries,
        };
        if (inFlight <= 0)
        {
            using var probe = new OpenAiClient(endpointOptions with { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(10) });
            int? found = probe.DiscoverConcurrencyAsync().GetAwaiter().GetResult();
            endpointOptions = endpointOptions with { MaxInFlight = found ?? 64 };
            context.Error.WriteLine(found is null ? "in flight: 64 (the server does not say its concurrency)" : $"in flight: {found} (the server's own concurrency)");
        }

        var openAi = new OpenAiClient(endpointOptions);
        try
        {
            List<string> served = openAi.CheckAsync(ct).GetAwaiter().GetResult();
            if (served.Count > 0 && !served.Contains(endpointOptions.Model, StringComparer.Ordinal))
            {
                context.Error.WriteLine($"warning: {endpointOptions.BaseUrl} lists the models {string.Join(", ", served.Take(5))}, not {endpointOptions.Model}");
            }
        }
        catch (LlmException e)
        {
            openAi.Dispose();
            throw new LlmException(e.Kind, $"the endpoint check failed, so nothing was sent: {e.Message}", e);
        }

        return ChatPipeline.Build(context, new OpenAiChatClient(openAi));
    }

    /// <summary>Parses <c>100@1,30@16</c>.</summary>
    internal static List<(int Top, int Samples)> ParseCascade(string spec) =>
        [.. spec.Split(',').Select(part =>
        {
            string[] f = part.Split('@');
            return f.Length == 2 && int.TryParse(f[0], out int t) && int.TryParse(f[1], out int k) && t > 0 && k > 0
                ? (t, k)
                : throw new ArgumentException($"bad cascade stage '{part}', expected TOP@K such as 100@1,30@16");
        })];

    /// <summary>Parses <c>first-stage=0.3</c>.</summary>
    internal static double ParseFuse(string? spec)
    {
        if (spec is null)
        {
            return 0;
        }

        string[] f = spec.Split('=');
        return f.Length == 2 && f[0] == "first-stage" && double.TryParse(f[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double w) && w is >= 0 and <= 1
            ? w
            : throw new ArgumentException($"bad --fuse '{spec}', expected first-stage=W with W between 0 and 1");
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
