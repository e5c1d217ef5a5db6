using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Cli.Report;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar eval QRELS RUN [RUN ...]</c>: trec_eval's measures, flags and output, plus comparisons.</summary>
internal static class EvalCommand
{
    /// <summary>Measures of the text, markdown, csv and json layouts when no <c>-m</c> is given (<c>--format
    /// trec_eval</c> prints trec_eval's own default, <c>official</c>).</summary>
    public static readonly string[] DefaultMeasures = ["num_q", "map", "recip_rank", "P.10", "recall.100,1000", "ndcg_cut.10,100"];

    public static Command Create(CliContext context)
    {
        var qrels = new Argument<string>("qrels") { Description = "TREC qrels, BEIR qrels TSV, or BRIGHT examples JSONL (applies BRIGHT's protocol)." };
        var runs = new Argument<string[]>("runs") { Description = "TREC run files or BRIGHT score JSON; the first is the baseline for --compare.", Arity = ArgumentArity.OneOrMore };
        var measure = new Option<string[]>("-m", "--measure") { Description = "trec_eval measure, repeatable: map, ndcg_cut.10, P.5,10, recall.100, utility.1,-1,0,0, ndcg.1=1,2=3, or official, all_trec, set; display names such as nDCG@10 and ir_measures' Judged@10, ERR@20, nERR@20, RBP(p=0.8) work too. As in trec_eval, the first parameter list given for a measure is used." };
        var perTopic = new Option<bool>("-q") { Description = "Also print per-topic values." };
        var complete = new Option<bool>("-c") { Description = "Average over every qrels topic; topics missing from the run score 0." };
        var maxDocs = new Option<int>("-M") { Description = "Evaluate only the first M documents per topic.", DefaultValueFactory = _ => int.MaxValue }.AtLeast(1);
        var level = new Option<int>("-l") { Description = "Minimum grade that counts as relevant.", DefaultValueFactory = _ => 1 }.Range(0, 1_000_000);
        var relFormat = new Option<string>("-R") { Description = "Judgment file format, as trec_eval's -R: qrels, prefs (topic group subgroup docid level; for -m all_prefs), qrels_prefs (qrels read as preferences) or qrels_jg (second qrels field = judgment group; for -m qrels_jg).", DefaultValueFactory = _ => "qrels" };
        relFormat.AcceptOnlyFromAmong("qrels", "prefs", "qrels_prefs", "qrels_jg");
        var zscores = new Option<string?>("-Z") { Description = "trec_eval's -Z: a file of 'topic measure mean stddev' lines; values are printed as z-scores." };
        var noSummary = new Option<bool>("-n") { Description = "trec_eval's -n: no summary ('all') lines." };
        var format = new Option<string>("--format") { Description = "text, trec_eval (trec_eval's exact lines), markdown, csv, json, or latex (a booktabs table for a paper: best values bold, with --compare superscript letters of the runs each value significantly beats, as ranx prints).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "trec_eval", "markdown", "csv", "json", "latex");
        var compare = new Option<bool>("--compare") { Description = "Paired t-test and randomization test of each run against the first, Holm-corrected, with win/tie/loss; with --html or --format latex, every pair of runs is tested and the winners are marked." };
        var permutations = new Option<int>("--permutations") { Description = "Randomization test permutations.", DefaultValueFactory = _ => 100_000 }.Range(1, 100_000_000);
        var seed = new Option<int>("--seed") { Description = "Randomization test seed.", DefaultValueFactory = _ => 42 }.AtLeast(0);
        var longDocs = new Option<bool>("--long") { Description = "BRIGHT examples: judge with gold_ids_long." };
        var html = new Option<string?>("--html") { Description = "Also write an HTML report with charts (works offline)." };
        var runName = new Option<string?>("--run-name") { Description = "Run tag to print (default: the TREC run's tag, or the file name for BRIGHT JSON); one run only." };
        var command = new Command("eval", "Evaluate runs exactly as trec_eval does (and BRIGHT's protocol for BRIGHT examples).")
        {
            qrels, runs, measure, perTopic, complete, maxDocs, level, relFormat, zscores, noSummary, format, compare, permutations, seed, longDocs, runName, html,
        };
        command.SetAction(parse =>
        {
            string rel = parse.GetValue(relFormat)!;
            PreferenceJudgments? preferences = rel is "prefs" or "qrels_prefs" ? PreferenceFormat.Read(parse.GetValue(qrels)!, rel == "qrels_prefs") : null;
            (Qrels judgments, List<Topic>? brightTopics) = preferences is not null ? (new Qrels(), null)
                : rel == "qrels_jg" ? (QrelsFormat.Read(parse.GetValue(qrels)!, judgmentGroups: true), null)
                : EvalInputs.ReadQrels(parse.GetValue(qrels)!, parse.GetValue(longDocs));
            string layout = parse.GetValue(format)!;
            string[] specs = parse.GetValue(measure) is { Length: > 0 } given ? [.. given.Select(MeasureNames.ToSpec)] : [];
            IReadOnlyList<Measure> measures = specs.Length > 0
                ? Measures.Parse(specs, ignored => context.Error.WriteLine($"lodestar: -m {ignored}: parameters ignored, an earlier -m gave this measure's parameters (trec_eval keeps the first)"))
                : brightTopics is not null ? BrightProtocol.Measures
                : layout == "trec_eval" ? Measures.Official : Measures.Parse(DefaultMeasures);
            var options = new EvalOptions
            {
                RelevanceLevel = parse.GetValue(level), MaxDocsPerTopic = parse.GetValue(maxDocs), CompleteQueries = parse.GetValue(complete),
                ZScores = parse.GetValue(zscores) is string z ? ZScores.Read(z) : null,
                Preferences = preferences,
            };
            var reports = new List<EvalReport>();
            var chartReports = new List<EvalReport>();
            foreach (string path in parse.GetValue(runs)!)
            {
                if (brightTopics is null && !EvalInputs.IsBrightJson(path))
                {
                    if (parse.GetValue(html) is null)
                    {
                        // A TREC run is evaluated from columns, a small one as it streams in: no string per hit.
                        reports.Add(Evaluator.EvaluateFile(judgments, path, measures, options, parse.GetValue(runName)));
                        continue;
                    }

                    // With --html the columns are read once for the report's measures and the chart's.
                    RunColumns columns = TrecRunFormat.ReadColumns(path);
                    columns.Name = parse.GetValue(runName) ?? columns.Name;
                    reports.Add(Evaluator.Evaluate(judgments, columns, measures, options));
                    chartReports.Add(Evaluator.Evaluate(judgments, columns, HtmlReport.ChartMeasures, options));
                    continue;
                }

                Run run = EvalInputs.ReadRun(path);
                run.Name = parse.GetValue(runName) ?? run.Name;
                if (brightTopics is not null)
                {
                    (run, int removed) = BrightProtocol.Apply(run, brightTopics);
                    context.Error.WriteLine($"{path}: BRIGHT protocol: {removed} excluded ids removed, top 1000 kept per topic");
                }

                reports.Add(Evaluator.Evaluate(judgments, run, measures, options));
                if (parse.GetValue(html) is not null)
                {
                    chartReports.Add(Evaluator.Evaluate(judgments, run, HtmlReport.ChartMeasures, options));
                }
            }

            PairwiseSignificance? pairwise = parse.GetValue(compare) && reports.Count > 1 && (parse.GetValue(html) is not null || layout == "latex")
                ? PairwiseSignificance.Compute(reports, parse.GetValue(permutations), parse.GetValue(seed)) : null;
            if (parse.GetValue(html) is string htmlPath)
            {
                var parameters = new List<KeyValuePair<string, string>>
                {
                    new("judgments", $"{parse.GetValue(qrels)} (-R {rel}{(brightTopics is not null ? ", BRIGHT examples: excluded ids removed, top 1000 kept" + (parse.GetValue(longDocs) ? ", gold_ids_long" : "") : "")})"),
                };
                parameters.AddRange(parse.GetValue(runs)!.Select((path, i) => new KeyValuePair<string, string>(
                    $"run {(char)('a' + (i % 26))}", $"{path}: tag {reports[i].RunName}, {reports[i].TopicIds.Count} topics evaluated")));
                parameters.Add(new("measures", specs.Length > 0 ? string.Join(" ", specs.Select(x => "-m " + x)) : "default set"));
                parameters.Add(new("relevance level (-l)", options.RelevanceLevel.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                parameters.Add(new("documents per topic (-M)", options.MaxDocsPerTopic == int.MaxValue ? "all" : options.MaxDocsPerTopic.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                parameters.Add(new("topics averaged (-c)", options.CompleteQueries ? "every judged topic; missing ones score 0" : "topics both judged and retrieved"));
                parameters.Add(new("significance", pairwise is null ? "not tested" : $"paired randomization test, {parse.GetValue(permutations):N0} permutations, seed {parse.GetValue(seed)}, Holm correction, p < {PairwiseSignificance.Alpha}"));
                parameters.Add(new("tool", $"lodestar {typeof(EvalCommand).Assembly.GetName().Version}"));
                HtmlReport.Write(htmlPath, $"Evaluation of {string.Join(", ", reports.Select(r => r.RunName))}", [new HtmlReport.TaskResult("all", chartReports)],
                    new HtmlReport.Details(reports, pairwise, parameters));
                context.Error.WriteLine($"wrote {htmlPath}");
            }

            if (layout == "latex")
            {
                EvalLatexWriter.Write(context.Out, reports, pairwise, brightTopics is not null ? 5 : 4);
                return 0;
            }

            if (layout == "trec_eval")
            {
                foreach (EvalReport r in reports)
                {
                    TrecEvalWriter.Write(context.Out, r, parse.GetValue(perTopic), !parse.GetValue(noSummary));
                }

                return 0;
            }

            List<Comparison> comparisons = parse.GetValue(compare) && reports.Count > 1
                ? Comparison.Compute(reports, parse.GetValue(permutations), parse.GetValue(seed)) : [];
            EvalTableWriter.Layout kind = layout switch
            {
                "markdown" => EvalTableWriter.Layout.Markdown,
                "csv" => EvalTableWriter.Layout.Csv,
                "json" => EvalTableWriter.Layout.Json,
                _ => EvalTableWriter.Layout.Text,
            };
            EvalTableWriter.Write(context.Out, reports, comparisons, kind, parse.GetValue(perTopic), brightTopics is not null ? 5 : 4);
            return 0;
        });
        return command;
    }
}
