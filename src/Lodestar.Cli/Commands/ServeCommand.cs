using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Llm.Embedding;
using Lodestar.Llm.Engine;
using Lodestar.Rerank.RetroStar;
using Lodestar.Server;
using Lodestar.Server.Mcp;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar serve</c>: the HTTP service (rerank APIs, search, MCP, page); and <c>lodestar mcp --stdio</c>.</summary>
internal static class ServeCommand
{
    /// <summary><c>lodestar serve</c>'s description.</summary>
    private const string ServeDescription = "Serve search and Retro* reranking over HTTP: Cohere /v1/rerank and /v2/rerank, TEI /rerank, /v1/search, jobs at /v1/jobs (a Retro* rerank of a --run, or a --recipe on a --beir/--data dataset, with SSE progress; resumed after a restart), MCP at /mcp, OpenAPI at /openapi/v1.json (reference at /scalar), /metrics, and a web page at /.";

    /// <summary><c>lodestar mcp</c>'s description.</summary>
    private const string McpDescription = "Run the MCP tools (search, rerank, get_document, explain) for a local agent over stdio.";

    /// <summary>The options both commands share: what to load and which LLM to use.</summary>
    private sealed class Shared
    {
        public Option<string[]> Index { get; } = new("--index") { Description = "An index to serve, PATH or PATH=NAME (NAME defaults to the folder's name); repeatable.", Required = true, AllowMultipleArgumentsPerToken = false };
        public Option<string?> Endpoint { get; } = new Option<string?>("--endpoint") { Description = "LLM server for reranking, e.g. http://127.0.0.1:30000 (or --gguf; neither = search only)." }.Url();
        public Option<string?> Model { get; } = new("--model") { Description = "Model name on the LLM server." };
        public Option<string?> Gguf { get; } = new("--gguf") { Description = "Rerank with the embedded engine: a .gguf path or hf:OWNER/REPO/FILE.gguf." };
        public Option<string?> LlmKey { get; } = new("--llm-api-key") { Description = "Bearer token for the LLM server (or LODESTAR_API_KEY)." };
        public Option<int> InFlight { get; } = new Option<int>("--in-flight") { Description = "LLM requests in flight; 0 = the server's own concurrency where it says, else 64.", DefaultValueFactory = _ => 0 }.Range(0, 100_000);
        public Option<int> Samples { get; } = new Option<int>("--samples") { Description = "Default K, samples per pair (a request may set its own).", DefaultValueFactory = _ => 1 }.Range(1, 1000);
        public Option<string> Task { get; } = new("--task") { Description = "Default relevance definition: a BRIGHT task or 'custom' (the generic one).", DefaultValueFactory = _ => "custom" };
        public Option<string?> Store { get; } = new("--store") { Description = "Judgment store (SQLite); default lodestar-serve.judgments.db in the current folder." };
        public Option<string?> Topics { get; } = new("--topics") { Description = "Topics the page offers (BEIR queries.jsonl, BRIGHT examples, id<TAB>text)." };
        public Option<string?> Qrels { get; } = new("--qrels") { Description = "Qrels: per-query nDCG@10 and each hit's judged relevance on the page." };
        public Option<string[]> Experiment { get; } = new("--experiment") { Description = "An experiment folder of `bright run` to show, PATH or PATH=NAME; repeatable." };
        public Option<int> ContextSize { get; } = new Option<int>("--context") { Description = "Embedded context in tokens.", DefaultValueFactory = _ => 8192 }.Range(256, 1_048_576);
        public Option<string?> EmbedModel { get; } = new("--embed-model") { Description = "Embedding model for dense/hybrid search: a GGUF, or the model on --embed-endpoint." };
        public Bm25Options Bm25 { get; } = new();
        public EmbedderOptions Embedder { get; } = new();

        public void AddTo(Command c)
        {
            foreach (Option o in new Option[] { Index, Endpoint, Model, Gguf, LlmKey, InFlight, Samples, Task, Store, Topics, Qrels, Experiment, ContextSize, EmbedModel })
            {
                c.Options.Add(o);
            }

            Bm25.AddTo(c);
            Embedder.AddTo(c, withModel: false);
        }

        public ServerOptions Read(ParseResult parse, CliContext context)
        {
            IChatClient? chat = parse.GetValue(Endpoint) is null && parse.GetValue(Gguf) is null ? null
                : RerankCommand.OpenClient(context, parse.GetValue(Endpoint), parse.GetValue(Model), parse.GetValue(LlmKey), parse.GetValue(InFlight), 600, 4,
                    parse.GetValue(Gguf), Embedder.LlamaLibValue(parse), new LlamaChatOptions(ChatFormat.Auto, parse.GetValue(ContextSize)));
            string task = parse.GetValue(Task)!;
            RelevanceDefinition definition = task == "custom" ? RelevanceDefinition.Default
                : RelevanceDefinition.Bright.TryGetValue(task, out RelevanceDefinition? d) ? d
                : throw new ArgumentException($"unknown --task '{task}', expected 'custom' or one of: {string.Join(", ", RelevanceDefinition.Bright.Keys)}");
            EmbeddingProfile profile = Embedder.ReadProfile(parse);
            IEmbedder? embedder = parse.GetValue(EmbedModel) is string m ? Embedder.Open(parse, context, profile, m) : null;
            return new ServerOptions
            {
                Indexes = [.. (parse.GetValue(Index) ?? []).Select(Named)],
                Experiments = [.. (parse.GetValue(Experiment) ?? []).Select(Named)],
                Bm25 = Bm25.Read(parse),
                Chat = chat,
                StorePath = chat is null ? null : parse.GetValue(Store) ?? "lodestar-serve.judgments.db",
                Rerank = new RerankOptions { Samples = parse.GetValue(Samples), Definition = definition },
                Embedder = embedder,
                Profile = profile,
                TopicsPath = parse.GetValue(Topics),
                QrelsPath = parse.GetValue(Qrels),
            };
        }
    }

    /// <summary>Splits <c>PATH=NAME</c>; a bare PATH is named after its folder.</summary>
    internal static (string Name, string Path) Named(string spec)
    {
        int eq = spec.LastIndexOf('=');
        string path = eq > 0 ? spec[..eq] : spec;
        string name = eq > 0 ? spec[(eq + 1)..] : System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path)));
        return (name, path);
    }

    public static Command Create(CliContext context)
    {
        var shared = new Shared();
        var port = new Option<int>("--port") { Description = "TCP port (0 picks a free one).", DefaultValueFactory = _ => 8080 }.Range(0, 65535);
        var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0 for all).", DefaultValueFactory = _ => "127.0.0.1" };
        var apiKeyFile = new Option<string?>("--api-key-file") { Description = "File of API keys, one client per line as KEY or NAME KEY ('#' comments); clients send 'Authorization: Bearer KEY', and each key has its own concurrency limit." };
        var readOnly = new Option<bool>("--read-only") { Description = "Refuse jobs (403); search and rerank still work." };
        var runs = new Option<string[]>("--run") { Description = "A run file jobs may rerank, PATH or PATH=NAME; repeatable (its topics must be in --topics)." };
        var jobs = new Option<string?>("--jobs") { Description = "Folder for jobs' state and results (POST /v1/jobs); unfinished jobs resume at start-up." };
        var recipes = new Option<string[]>("--recipe") { Description = "A `bright run` recipe jobs may run, PATH or PATH=NAME (NAME defaults to the recipe's name:); repeatable." };
        var beir = new Option<string[]>("--beir") { Description = "A BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) recipe jobs may run on, PATH or PATH=NAME; repeatable." };
        var data = new Option<string[]>("--data") { Description = "BRIGHT on disk (as `bright run --data`) recipe jobs may run on, PATH or PATH=NAME; repeatable; never downloaded by a job." };
        var perClient = new Option<int>("--max-concurrent-per-client") { Description = "Requests one client (its API key, else its address) may have in progress; more get 429.", DefaultValueFactory = _ => 64 }.Range(1, 1_000_000_000);
        var maxDocs = new Option<int>("--max-documents") { Description = "Most documents in one rerank request.", DefaultValueFactory = _ => 1000 }.Range(1, 1_000_000_000);
        var command = new Command("serve", ServeDescription)
        {
            port, host, apiKeyFile, readOnly, runs, jobs, recipes, beir, data, perClient, maxDocs,
        };
        shared.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            ServerOptions options = shared.Read(parse, context) with
            {
                Urls = [$"http://{parse.GetValue(host)}:{parse.GetValue(port)}"],
                ApiKeys = parse.GetValue(apiKeyFile) is string f ? ApiClientKey.ReadFile(f) : [],
                ReadOnly = parse.GetValue(readOnly),
                Runs = [.. (parse.GetValue(runs) ?? []).Select(Named)],
                JobsPath = parse.GetValue(jobs),
                RecipeJobs = RecipeJobsOf(parse, context, shared, parse.GetValue(recipes) ?? [], parse.GetValue(beir) ?? [], parse.GetValue(data) ?? []),
                Limits = new ServerLimits { MaxConcurrentPerClient = parse.GetValue(perClient), MaxDocuments = parse.GetValue(maxDocs) },
            };
            await using WebApplication app = LodestarServer.Build(options);
            await app.StartAsync(ct).ConfigureAwait(false);
            context.Error.WriteLine($"lodestar serve: {string.Join(", ", options.Indexes.Select(i => i.Name))} on {string.Join(", ", app.Urls)} " +
                $"({(options.Chat is null ? "search only" : "reranking with " + options.Chat.GetService<Llm.Client.ChatEndpoint>()?.Model)}{(options.ApiKeys.Count == 0 ? "" : $", {options.ApiKeys.Count} API key(s) required")}); Ctrl+C stops");
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            options.Chat?.Dispose();
            return 0;
        });
        return command;
    }

    /// <summary>The recipes and datasets of recipe jobs (each recipe read and checked now); null without --recipe.</summary>
    private static Server.Jobs.RecipeJobOptions? RecipeJobsOf(ParseResult parse, CliContext context, Shared shared, string[] recipes, string[] beir, string[] data)
    {
        if (recipes.Length == 0)
        {
            return beir.Length + data.Length == 0 ? null : throw new ArgumentException("--beir and --data name datasets for recipe jobs: give --recipe too");
        }

        if (beir.Length + data.Length == 0)
        {
            throw new ArgumentException("--recipe needs a dataset for its jobs: --beir DIR or --data DIR");
        }

        var read = recipes.Select(spec =>
        {
            int eq = spec.LastIndexOf('=');
            Pipeline.Recipes.Recipe recipe = Pipeline.Recipes.RecipeReader.Read(eq > 0 ? spec[..eq] : spec);
            return (eq > 0 ? spec[(eq + 1)..] : recipe.Name, recipe);
        }).ToList();
        var datasets = beir.Select(Named).Select(d => new Server.Jobs.RecipeDataset(d.Name, d.Path, Beir: true))
            .Concat(data.Select(Named).Select(d => new Server.Jobs.RecipeDataset(d.Name, d.Path, Beir: false))).ToList();
        foreach (string dup in read.Select(r => r.Item1).Concat(datasets.Select(d => d.Name)).GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            throw new ArgumentException($"two recipes or two datasets are named '{dup}': give PATH=NAME");
        }

        int inFlight = parse.GetValue(shared.InFlight);
        string? llmKey = parse.GetValue(shared.LlmKey);
        return new Server.Jobs.RecipeJobOptions
        {
            Recipes = read,
            Datasets = datasets,
            Endpoint = parse.GetValue(shared.Endpoint),
            Model = parse.GetValue(shared.Model),
            EmbedEndpoint = parse.GetValue(shared.Embedder.Endpoint),
            OpenChat = (endpoint, model) => RerankCommand.OpenClient(context, endpoint.Split(','), model, llmKey, inFlight, 600, 4, null, null, new LlamaChatOptions()),
            OpenEmbedder = (endpoint, model, profile) => new OpenAiEmbedder(new Llm.Client.OpenAiClient(new Llm.Client.EndpointOptions { BaseUrl = new Uri(endpoint), Model = model, MaxInFlight = 8 }),
                profile.Normalize),
        };
    }

    public static Command CreateMcp(CliContext context)
    {
        var shared = new Shared();
        var stdio = new Option<bool>("--stdio") { Description = "Speak MCP over standard input and output (the only transport here; `serve` offers it over HTTP at /mcp).", Required = true };
        var command = new Command("mcp", McpDescription) { stdio };
        shared.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            ServerOptions options = shared.Read(parse, context);
            await McpStdio.RunAsync(options, ct).ConfigureAwait(false);
            options.Chat?.Dispose();
            return 0;
        });
        return command;
    }
}
