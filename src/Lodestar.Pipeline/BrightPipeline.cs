using System.Text;
using Lodestar.Dense;
using Lodestar.Datasets;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Fusion;
using Lodestar.Hub;
using Lodestar.Index;
using Lodestar.Llm.Client;
using Lodestar.Llm.Embedding;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Lodestar.Search;
using Microsoft.Extensions.AI;

namespace Lodestar.Pipeline;

/// <summary>What <see cref="BrightPipeline"/> runs.</summary>
public sealed record BrightRunOptions
{
    /// <summary>Tasks, in order.</summary>
    public required IReadOnlyList<string> Tasks { get; init; }

    /// <summary><c>bm25</c>, <c>dense</c> or <c>hybrid</c>.</summary>
    public string Retriever { get; init; } = "bm25";

    /// <summary>The query config: <c>examples</c> (original queries), a reasoning config such as <c>gpt4_reason</c>, or
    /// <c>reason:MODEL</c>: BRIGHT's reasoning queries written by MODEL through <see cref="Rewriter"/>.</summary>
    public string Queries { get; init; } = "examples";

    /// <summary>Long documents and <c>gold_ids_long</c>.</summary>
    public bool Long { get; init; }

    /// <summary>Hits per topic.</summary>
    public int K { get; init; } = 1000;

    /// <summary>Dataset revision.</summary>
    public string Revision { get; init; } = "main";

    /// <summary>Use only the hub cache.</summary>
    public bool Offline { get; init; }

    /// <summary>BRIGHT on disk (<see cref="BrightLocal"/>: converted JSONL, or parquet shards anywhere below), else where
    /// the hub's files are converted to (<see cref="BrightDataset.DefaultFolder"/>).</summary>
    public required string Data { get; init; }

    /// <summary>BM25 settings.</summary>
    public Bm25Parameters Bm25 { get; init; } = new();

    /// <summary>Opens the embedder (dense and hybrid).</summary>
    public Func<IEmbedder>? Embedder { get; init; }

    /// <summary>The embedding profile.</summary>
    public EmbeddingProfile Profile { get; init; } = EmbeddingProfile.Plain;

    /// <summary>Hybrid fusion.</summary>
    public FusionMethod Fusion { get; init; } = FusionMethod.Rrf;

    /// <summary>Hybrid weights (BM25, dense).</summary>
    public (double Bm25, double Dense) Weights { get; init; } = (1, 1);

    /// <summary>Opens the chat client that writes <c>reason:MODEL</c> queries.</summary>
    public Func<IChatClient>? Rewriter { get; init; }

    /// <summary>Opens the reranker's chat client; null runs no rerank step.</summary>
    public Func<IChatClient>? Reranker { get; init; }

    /// <summary>Reranking options (the definition is set per task).</summary>
    public RerankOptions Rerank { get; init; } = new();

    /// <summary>Reranking stages (TOP, K).</summary>
    public IReadOnlyList<(int Top, int Samples)> Stages { get; init; } = [(100, 1)];

    /// <summary>Steps to redo even when finished: pull, index, dense, search, rerank, eval.</summary>
    public IReadOnlySet<string> Force { get; init; } = new HashSet<string>();

    /// <summary>The parameters as the user gave them, recorded in the manifest.</summary>
    public Dictionary<string, string> Recorded { get; init; } = [];
}

/// <summary>One step's outcome, for progress and summaries.</summary>
/// <param name="Task">The task.</param>
/// <param name="Step">The step.</param>
/// <param name="Reused">True when it was finished before and nothing it depends on changed.</param>
/// <param name="Seconds">Time of the step (its recorded time when reused).</param>
/// <param name="Figures">What it reports.</param>
public sealed record StepOutcome(string Task, string Step, bool Reused, double Seconds, IReadOnlyDictionary<string, double> Figures);

/// <summary>
/// <c>lodestar bright run</c>: per task, pull → index → (dense) → search → (rerank) → evaluate, in one experiment
/// folder: <c>TASK/index</c>, <c>TASK/dense</c>, <c>TASK/run.first.trec</c>, <c>TASK/run.rerank.trec</c>,
/// <c>TASK/judgments.db</c>, <c>TASK/run.trec</c> (the final run), <c>TASK/eval.tsv</c>, and <c>manifest.json</c>.
/// </summary>
/// <remarks>
/// A step is skipped when the manifest says it finished with the same key (SHA-256 of its parameters and of its
/// inputs' checksums) and its outputs still have the recorded checksums; a redone step that produces the same output
/// leaves the steps after it finished. Every output is written to a temporary name and renamed; the manifest is
/// rewritten after each step; reranking resumes inside its step from the judgment store.
/// </remarks>
public sealed class BrightPipeline(string experiment, BrightRunOptions options, HubDownloader downloader)
{
    /// <summary>The steps, in order.</summary>
    public static IReadOnlyList<string> Steps { get; } = ["pull", "rewrite", "index", "dense", "search", "rerank", "eval"];

    /// <summary>The model of <c>--queries reason:MODEL</c>, or null.</summary>
    private string? ReasonModel => options.Queries.StartsWith("reason:", StringComparison.Ordinal) ? options.Queries["reason:".Length..] : null;

    private ExperimentManifest _manifest = new();
    private StepRunner? _steps;

    /// <summary>Runs every task; returns each step's outcome.</summary>
    public async Task<List<StepOutcome>> RunAsync(IProgress<StepOutcome>? progress = null, IProgress<string>? status = null, CancellationToken cancellationToken = default)
    {
        if (options.Retriever is not ("bm25" or "dense" or "hybrid"))
        {
            throw new ArgumentException($"unknown retriever '{options.Retriever}', expected bm25, dense or hybrid");
        }

        if (ReasonModel is { } m && (m.Length == 0 || options.Rewriter is null))
        {
            throw new ArgumentException($"--queries {options.Queries} needs a model name after reason: and an endpoint (--endpoint) that serves it");
        }

        if (options.Retriever != "bm25" && options.Embedder is null)
        {
            throw new ArgumentException($"--retriever {options.Retriever} needs an embedding model (--gguf or --embed-endpoint)");
        }

        // A run that fails before it has written anything leaves no experiment folder behind.
        bool created = !Directory.Exists(experiment);
        try
        {
            return await RunTasksAsync(progress, status, cancellationToken).ConfigureAwait(false);
        }
        catch when (created && Directory.Exists(experiment) && !Directory.EnumerateFiles(experiment, "*", SearchOption.AllDirectories).Any())
        {
            Directory.Delete(experiment, recursive: true);
            throw;
        }
    }

    private async Task<List<StepOutcome>> RunTasksAsync(IProgress<StepOutcome>? progress, IProgress<string>? status, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(experiment);
        _manifest = ExperimentManifest.Load(experiment);
        _steps = new StepRunner(experiment, options.Data, _manifest, options.Force);
        foreach ((string k, string v) in options.Recorded)
        {
            _manifest.Parameters[k] = v;
        }

        var outcomes = new List<StepOutcome>();
        foreach (string task in options.Tasks)
        {
            string dir = Path.Combine(experiment, task);
            Directory.CreateDirectory(dir);
            string docsConfig = options.Long ? "long_documents" : "documents";
            string queryConfig = ReasonModel is null ? options.Queries : "examples";
            string[] configs = [.. new[] { "examples", queryConfig, docsConfig }.Distinct()];

            // BRIGHT already on disk (converted JSONL, or parquet shards anywhere in the data folder) needs no hub; a
            // folder that `data pull` filled (it has dataset.json) keeps following the hub's revision.
            string queries = BrightLocal.File(options.Data, task, queryConfig);
            string examples = BrightLocal.File(options.Data, task, "examples");
            string documents = BrightLocal.File(options.Data, task, docsConfig);
            outcomes.Add(await PullStepAsync(_steps!, downloader, task, options.Data, options.Revision, options.Offline, configs, queryConfig, docsConfig, status, cancellationToken)
                .ConfigureAwait(false));
            progress?.Report(outcomes[^1]);

            if (ReasonModel is { } reasonModel)
            {
                // BRIGHT's reasoning queries written by the model, each answer kept in the task's judgment store.
                string rewritten = Path.Combine(dir, "queries.reason.jsonl");
                var method = new Rewrite.RewriteMethod(Rewrite.RewriteKind.BrightReason, 1);
                await Step(task, "rewrite", RewriteStep.Describe(method, reasonModel, Rerank.Thinking.ThinkingMode.Default), [examples], [rewritten], async () =>
                {
                    using IChatClient client = options.Rewriter!();
                    return await RewriteStep.RunAsync(client, Path.Combine(dir, "judgments.db"), method, Rerank.Thinking.ThinkingMode.Default,
                        TopicReader.Read(examples), [rewritten], cancellationToken).ConfigureAwait(false);
                }, outcomes, progress, cancellationToken).ConfigureAwait(false);
                queries = rewritten;
            }

            string index = Path.Combine(dir, "index"), dense = Path.Combine(dir, "dense");
            if (options.Retriever != "dense")
            {
                await Step(task, "index", "english", [documents], [index], () =>
                {
                    IndexBuildSummary s = IndexWriter.Build(documents, index, new IndexBuildOptions { Overwrite = true }, cancellationToken);
                    return Task.FromResult(new Dictionary<string, double> { ["documents"] = s.Documents, ["terms"] = s.Tokens, ["seconds"] = s.Seconds });
                }, outcomes, progress, cancellationToken).ConfigureAwait(false);
            }

            if (options.Retriever != "bm25")
            {
                using IEmbedder embedder = options.Embedder!();
                await Step(task, "dense", $"{embedder.Model}|{options.Profile}", [documents], [dense], async () =>
                {
                    DenseBuildSummary s = await DenseIndexBuilder.BuildAsync(documents, dense, embedder, options.Profile, overwrite: true, cancellationToken: cancellationToken).ConfigureAwait(false);
                    return new() { ["documents"] = s.Documents, ["dimension"] = s.Dimension };
                }, outcomes, progress, cancellationToken).ConfigureAwait(false);
            }

            string first = Path.Combine(dir, "run.first.trec");
            string[] searchInputs = [queries, .. options.Retriever != "dense" ? [index] : Array.Empty<string>(), .. options.Retriever != "bm25" ? [dense] : Array.Empty<string>()];
            await Step(task, "search", $"{options.Retriever}|{options.Bm25}|k={options.K}|{options.Fusion}|{options.Weights}|{options.Profile}", searchInputs, [first], async () =>
            {
                List<Topic> topics = TopicReader.Read(queries);
                Run? sparse = null, vectors = null;
                if (options.Retriever != "dense")
                {
                    using IndexReader reader = IndexReader.Open(index);
                    sparse = new Searcher(reader, options.Bm25).Search(topics, options.K, ct: cancellationToken);
                }

                if (options.Retriever != "bm25")
                {
                    using VectorIndex vectorIndex = VectorIndex.Open(dense);
                    using IEmbedder embedder = options.Embedder!();
                    vectors = await DenseRetriever.SearchAsync(vectorIndex, embedder, options.Profile, topics, options.K, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                Run run = options.Retriever switch
                {
                    "bm25" => sparse!,
                    "dense" => vectors!,
                    _ => RunFusion.Fuse([(sparse!, options.Weights.Bm25), (vectors!, options.Weights.Dense)], options.Fusion, options.K, name: $"hybrid-{options.Fusion.ToString().ToLowerInvariant()}"),
                };
                TrecRunFormat.Write(first, run);
                return new() { ["topics"] = run.TopicIds.Count };
            }, outcomes, progress, cancellationToken).ConfigureAwait(false);

            string final = first;
            if (options.Reranker is not null)
            {
                string reranked = Path.Combine(dir, "run.rerank.trec");
                using IChatClient client = options.Reranker();
                ChatEndpoint endpoint = client.GetService<ChatEndpoint>() ?? throw new ArgumentException("the reranker's client offers no ChatEndpoint");
                RerankOptions rerank = options.Rerank with { Definition = RelevanceDefinition.Bright.TryGetValue(task, out RelevanceDefinition? d) ? d : RelevanceDefinition.Default };
                string stages = string.Join(',', options.Stages.Select(s => $"{s.Top}@{s.Samples}"));
                await Step(task, "rerank", $"{endpoint.Model}|{stages}|{rerank.Temperature}|{rerank.TopP}|{rerank.TopK}|{rerank.MaxTokens}|{rerank.Seed}|{rerank.Integration}|{rerank.OnFailure}|{rerank.FirstStageWeight}",
                    [queries, first, .. options.Retriever != "dense" ? [index] : Array.Empty<string>()], [reranked], async () =>
                {
                    List<Topic> topics = TopicReader.Read(queries);
                    using var store = new JudgmentStore(Path.Combine(dir, "judgments.db"));
                    Func<string, string?> textOf;
                    IndexReader? reader = options.Retriever != "dense" ? IndexReader.Open(index) : null;
                    Dictionary<string, string>? texts = reader is null ? CorpusReader.Read(documents).ToDictionary(d => d.Document.Id, d => d.Document.Text) : null;
                    textOf = id => reader is not null ? (reader.TryGetDoc(id, out int doc) ? reader.GetText(doc) : null) : texts!.GetValueOrDefault(id);
                    try
                    {
                        (Run run, List<RerankSummary> summaries) = await RetroStarReranker.CascadeAsync(client, store, rerank, options.Stages, topics, TrecRunFormat.Read(first), textOf,
                            cancellationToken: cancellationToken).ConfigureAwait(false);
                        TrecRunFormat.Write(reranked, run);
                        RerankSummary last = summaries[^1];
                        return new()
                        {
                            ["pairs"] = summaries.Sum(s => s.Pairs), ["requested"] = summaries.Sum(s => s.Requested), ["reused"] = summaries.Sum(s => s.Reused),
                            ["unparseable"] = summaries.Sum(s => s.Unparseable), ["failures"] = summaries.Sum(s => s.Failures.Values.Sum()), ["unscored"] = last.Unscored,
                        };
                    }
                    finally
                    {
                        reader?.Dispose();
                    }
                }, outcomes, progress, cancellationToken).ConfigureAwait(false);
                final = reranked;
            }

            string finalCopy = Path.Combine(dir, "run.trec");
            string evalPath = Path.Combine(dir, "eval.tsv");
            await Step(task, "eval", $"{(options.Long ? "long" : "short")}|{final}", [examples, final], [finalCopy, evalPath], () =>
            {
                AtomicFile.Write(finalCopy, s => { using FileStream f = File.OpenRead(final); f.CopyTo(s); });
                EvalReport report = Evaluate(examples, finalCopy, options.Long);
                AtomicFile.Write(evalPath, s =>
                {
                    using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true);
                    for (int i = 0; i < report.Measures.Count; i++)
                    {
                        w.WriteLine(FormattableString.Invariant($"{report.Measures[i].Id}\t{report.All[i]:F5}"));
                    }
                });
                return Task.FromResult(new Dictionary<string, double> { ["ndcg_cut_10"] = report["ndcg_cut_10"], ["topics"] = report.TopicIds.Count });
            }, outcomes, progress, cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    /// <summary>
    /// The pull step of one task: BRIGHT already on disk (converted JSONL, or parquet shards anywhere in the data
    /// folder) needs no hub; a folder that <c>data pull</c> filled (it has dataset.json) keeps following the hub's revision.
    /// </summary>
    internal static async Task<StepOutcome> PullStepAsync(StepRunner steps, HubDownloader downloader, string task, string data, string revision, bool offline,
        string[] configs, string queryConfig, string docsConfig, IProgress<string>? status, CancellationToken cancellationToken)
    {
        bool local = !File.Exists(Path.Combine(data, "dataset.json")) && BrightLocal.Prepare(data, task, configs, status).Count == 0;
        string queries = BrightLocal.File(data, task, queryConfig);
        string examples = BrightLocal.File(data, task, "examples");
        string documents = BrightLocal.File(data, task, docsConfig);
        string source = local ? $"local:{Path.GetFullPath(data)}" : $"{BrightDataset.Repository}@{revision}";
        return await steps.RunAsync(task, "pull", $"{source}:{string.Join(',', configs)}", [], [queries, examples, documents], async () =>
        {
            if (!local)
            {
                await BrightDataset.PullAsync(downloader, [task], configs, revision, offline, data, status, null, cancellationToken).ConfigureAwait(false);
            }

            steps.Manifest.Dataset["repository"] = local ? source : BrightDataset.Repository;
            steps.Manifest.Dataset["revision"] = local ? "" : revision;
            steps.Manifest.Dataset["commit"] = local ? "" : BrightDataset.RecordedCommit(data) ?? revision;
            return new() { ["documents"] = CountLines(documents), ["topics"] = CountLines(queries) };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>BRIGHT's protocol on one run: excluded ids removed before the top-1000 cut, gold ids as qrels.</summary>
    public static EvalReport Evaluate(string examples, string runPath, bool longDocuments)
    {
        List<Topic> topics = TopicReader.Read(examples);
        (Run run, _) = BrightProtocol.Apply(TrecRunFormat.Read(runPath), topics);
        return Evaluator.Evaluate(QrelsFormat.FromGold(topics, longDocuments), run, BrightProtocol.Measures);
    }

    private async Task Step(string task, string step, string parameters, string[] inputs, string[] outputs, Func<Task<Dictionary<string, double>>> work,
        List<StepOutcome> outcomes, IProgress<StepOutcome>? progress, CancellationToken ct)
    {
        StepOutcome outcome = await _steps!.RunAsync(task, step, parameters, inputs, outputs, work, ct).ConfigureAwait(false);
        outcomes.Add(outcome);
        progress?.Report(outcome);
    }

    private static double CountLines(string path) => File.Exists(path) ? LineReader.CountRecords(path) : 0;
}
