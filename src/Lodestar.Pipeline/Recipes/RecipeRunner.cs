using System.Text;
using Lodestar.Datasets;
using Lodestar.Dense;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Hub;
using Lodestar.Index;
using Lodestar.Llm.Embedding;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Pipeline.Recipes;

/// <summary>
/// <c>lodestar bright run --recipe FILE</c>: per task, pull → index → the recipe's rewrites, dense indexes,
/// retrievers, fusions, reranks and final fusion → evaluate, each a resumable step in one experiment folder.
/// </summary>
/// <remarks>
/// Outputs per task: <c>index/</c>, <c>dense/MODEL.PROFILE/</c>, <c>rewrites/NAME.jsonl</c>, <c>runs/NAME.trec</c> (one per
/// retriever, fusion and rerank; <c>runs/final.trec</c> for the final fusion), <c>judgments.db</c> (every LLM answer),
/// <c>run.trec</c> (the final run) and <c>eval.tsv</c>. Each step is keyed on its parameters and its inputs' checksums
/// (<see cref="StepRunner"/>), so a rerun reuses every finished step and a changed node redoes only what it reaches;
/// every LLM call goes through the judgment store, so a step stopped half-way asks again only what it had not stored.
/// The manifest records the recipe's text and SHA-256.
/// </remarks>
public sealed class RecipeRunner(string experiment, RecipeRunOptions options, HubDownloader downloader)
{
    /// <summary>The step kinds, in order (for <c>--force</c>).</summary>
    public static IReadOnlyList<string> StepKinds { get; } = ["pull", "index", "rewrite", "dense", "retrieve", "fuse", "rerank", "final", "eval"];

    private Recipe Recipe => options.Recipe;

    /// <summary>Runs the recipe on every task; returns each step's outcome.</summary>
    /// <exception cref="ArgumentException">A step has no model or no endpoint to reach it.</exception>
    public async Task<List<StepOutcome>> RunAsync(IProgress<StepOutcome>? progress = null, IProgress<string>? status = null, CancellationToken cancellationToken = default)
    {
        foreach (RecipeNode node in Recipe.Rewrites.Cast<RecipeNode>().Concat(Recipe.Reranks))
        {
            Resolve(node, embedding: false);
        }

        foreach (RecipeRetriever r in Recipe.Retrievers.Where(r => r.Kind == "dense"))
        {
            Resolve(r, embedding: true);
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

    /// <summary>The (endpoint, model) a node's calls go to: <c>--model-endpoint</c> for its model, else the recipe's
    /// endpoint, else the default.</summary>
    internal (string Endpoint, string Model) Resolve(RecipeNode node, bool embedding)
    {
        string what = node switch { RecipeRewrite => "rewrite", RecipeRerank => "rerank", _ => "dense retriever" };
        string model = node.Model ?? (embedding ? null : options.Model)
            ?? throw new ArgumentException($"{node.Position}: the {what} '{node.Name}' names no model: give model: in the recipe or --model NAME");
        string endpoint = options.ModelEndpoints.GetValueOrDefault(model) ?? node.Endpoint ?? (embedding ? options.EmbedEndpoint : options.Endpoint)
            ?? throw new ArgumentException($"{node.Position}: the {what} '{node.Name}' (model {model}) has no endpoint: give "
                + (embedding ? "--embed-endpoint URL" : "--endpoint URL") + $", --model-endpoint {model}=URL, or endpoint: in the recipe");
        if (embedding && options.OpenEmbedder is null)
        {
            throw new ArgumentException($"{node.Position}: the dense retriever '{node.Name}' needs an embeddings endpoint");
        }

        return (endpoint, model);
    }

    private async Task<List<StepOutcome>> RunTasksAsync(IProgress<StepOutcome>? progress, IProgress<string>? status, CancellationToken ct)
    {
        Directory.CreateDirectory(experiment);
        ExperimentManifest manifest = ExperimentManifest.Load(experiment);
        foreach ((string k, string v) in options.Recorded)
        {
            manifest.Parameters[k] = v;
        }

        manifest.Recipe = new RecipeRecord { Name = Recipe.Name, Path = Path.GetFullPath(Recipe.Path), Sha256 = Recipe.Sha256, Text = Recipe.Text };
        var steps = new StepRunner(experiment, options.Data, manifest, options.Force);
        var outcomes = new List<StepOutcome>();
        void Report(StepOutcome o)
        {
            outcomes.Add(o);
            progress?.Report(o);
        }

        if (options.Beir is { } beir)
        {
            manifest.Dataset["repository"] = "beir:" + Path.GetFullPath(beir);
            TaskData data = Beir(beir);
            await new TaskRun(this, steps, data, Report, status, ct).RunAsync().ConfigureAwait(false);
            return outcomes;
        }

        foreach (string task in options.Tasks)
        {
            string docsConfig = options.Long ? "long_documents" : "documents";
            string[] configs = ["examples", docsConfig];
            Report(await BrightPipeline.PullStepAsync(steps, downloader, task, options.Data, options.Revision, options.Offline, configs, "examples", docsConfig, status, ct)
                .ConfigureAwait(false));
            var data = new TaskData(task, BrightLocal.File(options.Data, task, "examples"), BrightLocal.File(options.Data, task, docsConfig), null);
            await new TaskRun(this, steps, data, Report, status, ct).RunAsync().ConfigureAwait(false);
        }

        return outcomes;
    }

    private static TaskData Beir(string folder)
    {
        string Find(string what, params string[] names) => names.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{folder}: no {what} ({string.Join(" or ", names)}); a BEIR folder has corpus.jsonl, queries.jsonl and qrels/test.tsv");
        return new TaskData(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), Find("queries", "queries.jsonl", "queries.jsonl.gz"),
            Find("corpus", "corpus.jsonl", "corpus.jsonl.gz"), Find("qrels", Path.Combine("qrels", "test.tsv")));
    }

    /// <summary>One task's inputs: topics, documents, and qrels (null: BRIGHT's gold ids in the topics).</summary>
    private sealed record TaskData(string Name, string Topics, string Documents, string? Qrels);

    /// <summary>The steps of one task.</summary>
    private sealed class TaskRun(RecipeRunner runner, StepRunner steps, TaskData data, Action<StepOutcome> report, IProgress<string>? status, CancellationToken ct)
    {
        private readonly string _dir = Path.Combine(runner.Experiment, data.Name);
        private readonly Dictionary<string, string> _topicSets = new(StringComparer.Ordinal) { ["original"] = data.Topics };
        private readonly Dictionary<string, string> _runs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _dense = new(StringComparer.Ordinal);
        private RecipeRunOptions Options => runner.Options;

        private string Index => Path.Combine(_dir, "index");

        private string Store => Path.Combine(_dir, "judgments.db");

        private string Limit => $"max_topics={Options.MaxTopics?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all"}";

        public async Task RunAsync()
        {
            Directory.CreateDirectory(Path.Combine(_dir, "runs"));
            await Step("index", "english", [data.Documents], [Index], () =>
            {
                IndexBuildSummary s = IndexWriter.Build(data.Documents, Index, new IndexBuildOptions { Overwrite = true }, ct);
                return Task.FromResult(new Dictionary<string, double> { ["documents"] = s.Documents, ["terms"] = s.Tokens });
            }).ConfigureAwait(false);
            foreach (RecipeRewrite rewrite in runner.Recipe.Rewrites)
            {
                await RewriteAsync(rewrite).ConfigureAwait(false);
            }

            foreach (RecipeRetriever retriever in runner.Recipe.Retrievers)
            {
                await RetrieveAsync(retriever).ConfigureAwait(false);
            }

            foreach (RecipeFusion fusion in runner.Recipe.Fusions)
            {
                await FuseAsync("fuse:" + fusion.Name, fusion).ConfigureAwait(false);
            }

            foreach (RecipeRerank rerank in runner.Recipe.Reranks)
            {
                await RerankAsync(rerank).ConfigureAwait(false);
            }

            if (runner.Recipe.Final is { } final)
            {
                await FuseAsync("final", final).ConfigureAwait(false);
            }

            await EvaluateAsync(_runs[runner.Recipe.LastRun]).ConfigureAwait(false);
        }

        private string Output(string name) => Path.Combine(_dir, "runs", name + ".trec");

        /// <summary>The topics of a topic file, the first <c>--max-topics</c> only.</summary>
        private List<Topic> TopicsOf(string path) => Options.MaxTopics is int n ? [.. TopicReader.Read(path).Take(n)] : TopicReader.Read(path);

        private async Task Step(string step, string parameters, IEnumerable<string> inputs, IEnumerable<string> outputs, Func<Task<Dictionary<string, double>>> work) =>
            report(await steps.RunAsync(data.Name, step, parameters, inputs, outputs, work, ct).ConfigureAwait(false));

        private async Task RewriteAsync(RecipeRewrite rewrite)
        {
            Directory.CreateDirectory(Path.Combine(_dir, "rewrites"));
            string[] outputs = [.. rewrite.Outputs.Select(o => Path.Combine(_dir, "rewrites", o + ".jsonl"))];
            (string endpoint, string model) = runner.Resolve(rewrite, embedding: false);
            await Step("rewrite:" + rewrite.Name, RewriteStep.Describe(rewrite.Method, model, rewrite.Thinking) + "|" + Limit, [data.Topics], outputs, async () =>
            {
                using Microsoft.Extensions.AI.IChatClient client = Options.OpenChat(endpoint, model);
                return await RewriteStep.RunAsync(client, Store, rewrite.Method, rewrite.Thinking, TopicsOf(data.Topics), outputs, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            foreach ((string name, string path) in rewrite.Outputs.Zip(outputs))
            {
                _topicSets[name] = path;
            }
        }

        private async Task RetrieveAsync(RecipeRetriever r)
        {
            string topics = _topicSets[r.Queries], output = Output(r.Name);
            if (r.Kind == "bm25")
            {
                await Step("retrieve:" + r.Name, $"bm25|{Options.Bm25}|k={r.K}|{Limit}", [topics, Index], [output], () =>
                {
                    using IndexReader reader = IndexReader.Open(Index);
                    Run run = new Searcher(reader, Options.Bm25).Search(TopicsOf(topics), r.K, ct: ct);
                    run.Name = r.Name;
                    TrecRunFormat.Write(output, run);
                    return Task.FromResult(new Dictionary<string, double> { ["topics"] = run.TopicIds.Count });
                }).ConfigureAwait(false);
            }
            else
            {
                (string endpoint, string model) = runner.Resolve(r, embedding: true);
                EmbeddingProfile profile = EmbeddingProfile.BuiltIn[r.Profile];
                string folder = await DenseIndexAsync(endpoint, model, profile).ConfigureAwait(false);
                await Step("retrieve:" + r.Name, $"dense|{model}|{profile.Name}|k={r.K}|{Limit}", [topics, folder], [output], async () =>
                {
                    using VectorIndex vectors = VectorIndex.Open(folder);
                    using IEmbedder embedder = Options.OpenEmbedder!(endpoint, model, profile);
                    Run run = await DenseRetriever.SearchAsync(vectors, embedder, profile, TopicsOf(topics), r.K, cancellationToken: ct).ConfigureAwait(false);
                    run.Name = r.Name;
                    TrecRunFormat.Write(output, run);
                    return new Dictionary<string, double> { ["topics"] = run.TopicIds.Count };
                }).ConfigureAwait(false);
            }

            _runs[r.Name] = output;
        }

        /// <summary>One vector index per (model, profile), shared by the dense retrievers that use it.</summary>
        private async Task<string> DenseIndexAsync(string endpoint, string model, EmbeddingProfile profile)
        {
            string id = $"{Sanitize(model)}.{profile.Name}";
            if (_dense.TryGetValue(id, out string? done))
            {
                return done;
            }

            string folder = Path.Combine(_dir, "dense", id);
            await Step("dense:" + id, $"{model}|{profile}", [data.Documents], [folder], async () =>
            {
                using IEmbedder embedder = Options.OpenEmbedder!(endpoint, model, profile);
                DenseBuildSummary s = await DenseIndexBuilder.BuildAsync(data.Documents, folder, embedder, profile, overwrite: true, cancellationToken: ct).ConfigureAwait(false);
                return new() { ["documents"] = s.Documents, ["dimension"] = s.Dimension };
            }).ConfigureAwait(false);
            return _dense[id] = folder;
        }

        private async Task RerankAsync(RecipeRerank rerank)
        {
            string input = _runs[rerank.Run], output = Output(rerank.Name);
            (string endpoint, string model) = runner.Resolve(rerank, embedding: false);
            await Step("rerank:" + rerank.Name, $"{rerank.Describe()}|{model}|max_new_tokens={Options.MaxNewTokens}|{Limit}", [data.Topics, input, Index], [output], async () =>
            {
                using Microsoft.Extensions.AI.IChatClient client = Options.OpenChat(endpoint, model);
                using IndexReader reader = IndexReader.Open(Index);
                return await RecipeRerankStep.RunAsync(rerank, client, Store, data.Name, TopicsOf(data.Topics), TrecRunFormat.Read(input),
                    id => reader.TryGetDoc(id, out int doc) ? reader.GetText(doc) : null, output, Options.MaxNewTokens, status, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            _runs[rerank.Name] = output;
        }

        private async Task FuseAsync(string step, RecipeFusion fusion)
        {
            string output = Output(fusion.Name);
            string[] inputs = [.. fusion.Runs.Select(r => _runs[r.Run])];
            await Step(step, fusion.Describe(), inputs, [output], () =>
            {
                var runs = fusion.Runs.Select(r => (Cut(TrecRunFormat.Read(_runs[r.Run]), fusion.Top), r.Weight)).ToList();
                Run fused = Fusion.RunFusion.Fuse(runs, new Fusion.FusionOptions
                {
                    Method = fusion.Method,
                    Normalization = fusion.Normalization,
                    Depth = fusion.Depth,
                    RrfK = fusion.RrfK,
                    Name = fusion.Name,
                });
                TrecRunFormat.Write(output, fused);
                return Task.FromResult(new Dictionary<string, double> { ["topics"] = fused.TopicIds.Count, ["runs"] = runs.Count });
            }).ConfigureAwait(false);
            _runs[fusion.Name] = output;
        }

        /// <summary>Each topic's best <paramref name="top"/> hits (score descending, ties by doc id).</summary>
        private static Run Cut(Run run, int? top)
        {
            if (top is not int n)
            {
                return run;
            }

            var cut = new Run(run.Name);
            foreach (string topic in run.TopicIds)
            {
                cut.Set(topic, [.. run[topic].OrderByDescending(h => h.Score).ThenBy(h => h.DocId, StringComparer.Ordinal).Take(n)]);
            }

            return cut;
        }

        private async Task EvaluateAsync(string final)
        {
            string finalCopy = Path.Combine(_dir, "run.trec"), evalPath = Path.Combine(_dir, "eval.tsv");
            string[] inputs = data.Qrels is null ? [data.Topics, final] : [data.Qrels, final];
            await Step("eval", $"{(Options.Long ? "long" : "short")}|{Path.GetFileName(final)}", inputs, [finalCopy, evalPath], () =>
            {
                AtomicFile.Write(finalCopy, s => { using FileStream f = File.OpenRead(final); f.CopyTo(s); });
                EvalReport report = data.Qrels is null ? BrightPipeline.Evaluate(data.Topics, finalCopy, Options.Long)
                    : Evaluator.Evaluate(QrelsFormat.Read(data.Qrels), TrecRunFormat.Read(finalCopy), BrightProtocol.Measures);
                AtomicFile.Write(evalPath, s =>
                {
                    using var w = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: true);
                    for (int i = 0; i < report.Measures.Count; i++)
                    {
                        w.WriteLine(FormattableString.Invariant($"{report.Measures[i].Id}\t{report.All[i]:F5}"));
                    }
                });
                return Task.FromResult(new Dictionary<string, double> { ["ndcg_cut_10"] = report["ndcg_cut_10"], ["topics"] = report.TopicIds.Count });
            }).ConfigureAwait(false);
        }

        private static string Sanitize(string model) => new([.. model.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
    }

    private string Experiment => experiment;

    private RecipeRunOptions Options => options;
}
