using System.CommandLine;
using Lodestar.Cli.Options;
using System.Globalization;
using System.Reflection;
using Lodestar.Cli.Report;
using Lodestar.Datasets;
using Lodestar.Eval;
using Lodestar.Fusion;
using Lodestar.Hub;
using Lodestar.Llm.Embedding;
using Lodestar.Llm.Engine;
using Lodestar.Pipeline;
using Lodestar.Rerank.RetroStar;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar bright run</c>: pull → index → (dense) → search → (rerank) → evaluate for every task, resumable,
/// in one experiment folder; <c>lodestar bright report EXPERIMENT</c>: the per-task table beside published figures.
/// </summary>
internal static class BrightRunCommand
{
    public static Command Create(CliContext context)
    {
        var tasks = new Option<string>("--tasks") { Description = "all, or a comma-separated list of tasks.", DefaultValueFactory = _ => "all" };
        var retriever = new Option<string>("--retriever") { Description = "bm25, dense or hybrid.", DefaultValueFactory = _ => "bm25" };
        retriever.AcceptOnlyFromAmong("bm25", "dense", "hybrid");
        var queries = new Option<string>("--queries") { Description = "original, a reasoning-query config such as gpt4_reason, or reason:MODEL (BRIGHT's reasoning queries written by MODEL at --endpoint, kept in the judgment store).", DefaultValueFactory = _ => "original" };
        var recipe = new Option<string?>("--recipe") { Description = "Run a recipe (YAML: rewrites, retrievers, fusions, reranks, final fusion) instead of --retriever/--rerank; see recipes/." };
        var beir = new Option<string?>("--beir") { Description = "With --recipe: run on a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) instead of BRIGHT tasks." };
        var maxTopics = new Option<int?>("--max-topics") { Description = "With --recipe: only the first N topics of each task (to try or price a recipe)." }.Range(1, int.MaxValue);
        var modelEndpoints = new Option<string[]>("--model-endpoint") { Description = "With --recipe: MODEL=URL, the server of one model (repeatable); others use --endpoint.", AllowMultipleArgumentsPerToken = true };
        var longDocs = new Option<bool>("--long") { Description = "Long documents, judged with gold_ids_long." };
        var k = new Option<int>("--k") { Description = "Hits per topic.", DefaultValueFactory = _ => 1000 }.Range(1, 10_000_000);
        var revision = new Option<string>("--revision") { Description = "Dataset revision (branch, tag or commit).", DefaultValueFactory = _ => "main" };
        var offline = new Option<bool>("--offline") { Description = "Use only the hub cache." };
        var data = new Option<string>("--data") { Description = "BRIGHT on disk (TASK/CONFIG.jsonl[.gz], or the hub's parquet shards CONFIG/TASK-*.parquet anywhere below it); else where the hub's files are converted to.", DefaultValueFactory = _ => BrightDataset.DefaultFolder };
        var experiment = new Option<string>("--experiment", "-o") { Description = "Experiment folder (created, or resumed).", Required = true };
        var force = new Option<string[]>("--force") { Description = "Redo a step even if finished: pull, rewrite, index, dense, search, rerank, eval; with --recipe a kind (retrieve, fuse, final, …) or KIND:NAME (repeatable).", AllowMultipleArgumentsPerToken = true };
        var fusion = new Option<FusionMethod>("--fusion") { Description = "Hybrid: rrf, minmax or zscore.", DefaultValueFactory = _ => FusionMethod.Rrf };
        var weights = new Option<string>("--weights") { Description = "Hybrid: BM25,DENSE weights.", DefaultValueFactory = _ => "1,1" };
        var rerank = new Option<string?>("--rerank") { Description = "retro-star to rerank the first stage." };
        var endpoint = new Option<string[]>("--endpoint") { Description = "Reranker server base URL (or --rerank-gguf); repeat it for replicas of one model." }.Url();
        var model = new Option<string?>("--model") { Description = "Reranker model name on the server." };
        var rerankGguf = new Option<string?>("--rerank-gguf") { Description = "Rerank with the embedded engine: a .gguf or hf:… reference." };
        var cascade = new Option<string>("--cascade") { Description = "Rerank stages TOP@K.", DefaultValueFactory = _ => "100@1" };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Tokens a reranker answer may have.", DefaultValueFactory = _ => 4096 }.Range(1, 1_048_576);
        var inFlight = new Option<int>("--in-flight") { Description = "Reranker requests in flight; 0 = discover.", DefaultValueFactory = _ => 0 }.Range(0, 4096);
        var bm25 = new Bm25Options();
        var embedder = new EmbedderOptions();
        var command = new Command("run", "Run BRIGHT end to end (pull, index, search, rerank, evaluate) in a resumable experiment folder.")
        {
            tasks, retriever, queries, longDocs, k, revision, offline, data, experiment, force, fusion, weights, rerank, endpoint, model, rerankGguf, cascade, maxNew, inFlight,
            recipe, beir, maxTopics, modelEndpoints,
        };
        bm25.AddTo(command);
        embedder.AddTo(command);
        command.SetAction(parse =>
        {
            string[] forced = parse.GetValue(force) ?? [];
            if (parse.GetValue(recipe) is { } recipePath)
            {
                foreach (Option o in new Option[] { retriever, queries, fusion, weights, rerank, cascade, k, rerankGguf }.Where(o => parse.GetResult(o) is { Implicit: false }))
                {
                    throw new ArgumentException($"{o.Name} does not go with --recipe: the recipe says how to retrieve, fuse and rerank");
                }

                return RecipeRun.Run(context, parse, recipePath, new RecipeRun.Inputs(tasks, longDocs, revision, offline, data, experiment, force, endpoint, model, maxNew, inFlight,
                    beir, maxTopics, modelEndpoints, bm25, embedder));
            }

            foreach (Option o in new Option[] { beir, maxTopics, modelEndpoints }.Where(o => parse.GetResult(o) is { Implicit: false }))
            {
                throw new ArgumentException($"{o.Name} goes only with --recipe");
            }

            foreach (string f in forced.Where(f => !BrightPipeline.Steps.Contains(f)))
            {
                throw new ArgumentException($"unknown step '{f}' for --force, expected one of: {string.Join(", ", BrightPipeline.Steps)}");
            }

            if (parse.GetValue(rerank) is string r && r != "retro-star")
            {
                throw new ArgumentException($"unknown --rerank '{r}', expected retro-star");
            }

            string[] w = parse.GetValue(weights)!.Split(',');
            if (w.Length != 2 || !double.TryParse(w[0], CultureInfo.InvariantCulture, out double wb) || !double.TryParse(w[1], CultureInfo.InvariantCulture, out double wd))
            {
                throw new ArgumentException($"bad --weights '{parse.GetValue(weights)}', expected BM25,DENSE");
            }

            EmbeddingProfile profile = embedder.ReadProfile(parse);
            string queryConfig = parse.GetValue(queries) == "original" ? "examples" : parse.GetValue(queries)!;
            if (queryConfig.StartsWith("reason:", StringComparison.Ordinal) && parse.GetValue(endpoint) is not { Length: > 0 })
            {
                throw new ArgumentException($"--queries {queryConfig} needs --endpoint URL, the server of {queryConfig[7..]}");
            }

            var recorded = new Dictionary<string, string>
            {
                ["tasks"] = parse.GetValue(tasks)!, ["retriever"] = parse.GetValue(retriever)!, ["queries"] = parse.GetValue(queries)!,
                ["long"] = parse.GetValue(longDocs) ? "true" : "false", ["k"] = $"{parse.GetValue(k)}", ["revision"] = parse.GetValue(revision)!,
                ["data"] = Path.GetFullPath(parse.GetValue(data)!), ["bm25"] = $"{bm25.Read(parse)}", ["fusion"] = $"{parse.GetValue(fusion)}",
                ["weights"] = parse.GetValue(weights)!, ["rerank"] = parse.GetValue(rerank) ?? "none", ["endpoint"] = string.Join(",", parse.GetValue(endpoint) ?? []),
                ["model"] = parse.GetValue(model) ?? parse.GetValue(rerankGguf) ?? "", ["cascade"] = parse.GetValue(cascade)!,
                ["embedding"] = parse.GetValue(embedder.Gguf) ?? parse.GetValue(embedder.Model) ?? "", ["profile"] = profile.Name,
            };
            var options = new BrightRunOptions
            {
                Tasks = BrightDataset.ParseTasks(parse.GetValue(tasks)!),
                Retriever = parse.GetValue(retriever)!,
                Queries = queryConfig,
                Long = parse.GetValue(longDocs),
                K = parse.GetValue(k),
                Revision = parse.GetValue(revision)!,
                Offline = parse.GetValue(offline),
                Data = parse.GetValue(data)!,
                Bm25 = bm25.Read(parse),
                Embedder = embedder.Given(parse) ? () => embedder.Open(parse, context, profile) : null,
                Profile = profile,
                Fusion = parse.GetValue(fusion),
                Weights = (wb, wd),
                Rewriter = queryConfig.StartsWith("reason:", StringComparison.Ordinal) ? () => RerankCommand.OpenClient(context, parse.GetValue(endpoint),
                    queryConfig[7..], null, parse.GetValue(inFlight), 600, 4, null, null, new LlamaChatOptions()) : null,
                Reranker = parse.GetValue(rerank) is null ? null : () => RerankCommand.OpenClient(context, parse.GetValue(endpoint), parse.GetValue(model), null,
                    parse.GetValue(inFlight), 600, 4, parse.GetValue(rerankGguf), embedder.LlamaLibValue(parse), new LlamaChatOptions()),
                Rerank = new RerankOptions { MaxTokens = parse.GetValue(maxNew) },
                Stages = RerankCommand.ParseCascade(parse.GetValue(cascade)!),
                Force = forced.ToHashSet(),
                Recorded = recorded,
            };
            string folder = parse.GetValue(experiment)!;
            using var downloader = new HubDownloader();
            var pipeline = new BrightPipeline(folder, options, downloader);
            List<StepOutcome> outcomes = pipeline.RunAsync(new Progress<StepOutcome>(o => { }), null).GetAwaiter().GetResult();
            foreach (StepOutcome o in outcomes)
            {
                string figures = string.Join(", ", o.Figures.Select(f => $"{f.Key} {f.Value.ToString(f.Value == Math.Floor(f.Value) ? "N0" : "F4", CultureInfo.InvariantCulture)}"));
                context.Error.WriteLine($"{o.Task}/{o.Step}: {(o.Reused ? "finished before, reused" : $"done in {o.Seconds:F1} s")}{(figures.Length > 0 ? $" ({figures})" : "")}");
            }

            Report(context, folder, null, "ndcg_cut.10", "text");
            return 0;
        });
        return command;
    }

    public static Command CreateReport(CliContext context)
    {
        var experiment = new Argument<string>("experiment") { Description = "Experiment folder of `lodestar bright run`." };
        var html = new Option<string?>("--html") { Description = "HTML report path (default EXPERIMENT/report.html)." };
        var measure = new Option<string>("-m", "--measure") { Description = "Measure of the table.", DefaultValueFactory = _ => "ndcg_cut.10" };
        var format = new Option<string>("--format") { Description = "text, markdown or csv.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown", "csv");
        var command = new Command("report", "The experiment's per-task table beside published figures, and its HTML report.") { experiment, html, measure, format };
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(experiment)!;
            Report(context, folder, parse.GetValue(html) ?? Path.Combine(folder, "report.html"), parse.GetValue(measure)!, parse.GetValue(format)!);
            return 0;
        });
        return command;
    }

    /// <summary>Prints the per-task table of an experiment (published figures beside it for nDCG@10) and writes the HTML report.</summary>
    private static void Report(CliContext context, string folder, string? htmlPath, string measureName, string format)
    {
        ExperimentManifest manifest = ExperimentManifest.Load(folder);
        if (manifest.Tasks.Count == 0)
        {
            throw new ArgumentException($"{folder}: no manifest.json with finished tasks; is this a `lodestar bright run` experiment?");
        }

        string data = manifest.Parameters.GetValueOrDefault("data") is { Length: > 0 } d ? d : BrightDataset.DefaultFolder;
        bool longDocs = manifest.Parameters.GetValueOrDefault("long") == "true";
        Measure m = Measures.Parse([MeasureNames.ToSpec(measureName)])[0];
        IReadOnlyList<Measure> measures = [.. BrightProtocol.Measures.Append(m).Concat(HtmlReport.ChartMeasures).DistinctBy(x => x.Id)];
        var results = new List<HtmlReport.TaskResult>();
        foreach (string task in BrightDataset.Tasks.Where(manifest.Tasks.ContainsKey))
        {
            string run = Path.Combine(folder, task, "run.trec");
            string examples = Path.Combine(data, task, "examples.jsonl.gz");
            if (!File.Exists(run) || !File.Exists(examples))
            {
                continue;
            }

            List<Model.Topic> topics = Formats.TopicReader.Read(examples);
            (Model.Run evaluated, _) = BrightProtocol.Apply(Formats.TrecRunFormat.Read(run), topics);
            evaluated.Name = "lodestar";
            results.Add(new HtmlReport.TaskResult(task, [Evaluator.Evaluate(Formats.QrelsFormat.FromGold(topics, longDocs), evaluated, measures)]));
        }

        if (results.Count == 0)
        {
            throw new ArgumentException($"{folder}: no task has a final run (TASK/run.trec) and its examples in {data}");
        }

        Dictionary<string, Dictionary<string, double>> published = m.Id == "ndcg_cut_10" ? Published() : [];
        string[] header = [$"task ({MeasureNames.Display(m)} x100)", "lodestar", .. published.Keys];
        string F(double? v) => v is double x ? x.ToString("F2", CultureInfo.InvariantCulture) : "-";
        var rows = results.Select(t => (string[])[t.Task, F(BrightProtocol.Round5(t.Runs[0][m.Id]) * 100), .. published.Values.Select(p => F(p.TryGetValue(t.Task, out double v) ? v : null))]).ToList();
        // Published averages over the same tasks, so the columns compare like with like.
        rows.Add(["average", F(results.Average(t => t.Runs[0][m.Id]) * 100), .. published.Values.Select(p => F(results.All(t => p.ContainsKey(t.Task)) ? results.Average(t => p[t.Task]) : null))]);
        EvalTableWriter.WriteGrid(context.Out, header, rows, Enum.Parse<EvalTableWriter.Layout>(format, ignoreCase: true), leftColumns: 1);
        if (htmlPath is not null)
        {
            HtmlReport.Write(htmlPath, $"BRIGHT experiment {Path.GetFileName(Path.GetFullPath(folder))}, {MeasureNames.Display(m)}", results);
            context.Error.WriteLine($"wrote {htmlPath}");
        }
    }

    /// <summary>The published figures shipped with the tool (data/bright-published.tsv): system → task → nDCG@10 x100.</summary>
    internal static Dictionary<string, Dictionary<string, double>> Published()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("bright-published.tsv")!;
        string[] lines = [.. new StreamReader(stream).ReadToEnd().Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))];
        string[] tasks = lines[0].Split('\t')[1..];
        return lines[1..].Select(l => l.Split('\t')).ToDictionary(f => f[0],
            f => tasks.Select((t, i) => (t, v: double.Parse(f[i + 1], CultureInfo.InvariantCulture))).ToDictionary(x => x.t, x => x.v));
    }
}
