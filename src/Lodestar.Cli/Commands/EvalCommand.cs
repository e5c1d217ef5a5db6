using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Cli.Report;
using Lodestar.Eval;
using Lodestar.Model;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar eval QRELS RUN [RUN ...]</c>: trec_eval's measures, flags and output, plus comparisons.</summary>
internal static class EvalCommand
{
    /// <summary>Measures when no <c>-m</c> is given.</summary>
    public static readonly string[] DefaultMeasures = ["num_q", "map", "recip_rank", "P.10", "recall.100,1000", "ndcg_cut.10,100"];

    public static Command Create(CliContext context)
    {
        var qrels = new Argument<string>("qrels") { Description = "TREC qrels, BEIR qrels TSV, or BRIGHT examples JSONL (applies BRIGHT's protocol)." };
        var runs = new Argument<string[]>("runs") { Description = "TREC run files or BRIGHT score JSON; the first is the baseline for --compare.", Arity = ArgumentArity.OneOrMore };
        var measure = new Option<string[]>("-m", "--measure") { Description = "trec_eval measure, repeatable: map, ndcg_cut.10, P.5,10, recall.100, all_trec; display names such as nDCG@10 work too." };
        var perTopic = new Option<bool>("-q") { Description = "Also print per-topic values." };
        var complete = new Option<bool>("-c") { Description = "Average over every qrels topic; topics missing from the run score 0." };
        var maxDocs = new Option<int>("-M") { Description = "Evaluate only the first M documents per topic.", DefaultValueFactory = _ => int.MaxValue }.AtLeast(1);
        var level = new Option<int>("-l") { Description = "Minimum grade that counts as relevant.", DefaultValueFactory = _ => 1 }.Range(0, 1_000_000);
        var format = new Option<string>("--format") { Description = "text, trec_eval (trec_eval's exact lines), markdown, csv or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "trec_eval", "markdown", "csv", "json");
        var compare = new Option<bool>("--compare") { Description = "Paired t-test and randomization test of each run against the first, Holm-corrected, with win/tie/loss." };
        var permutations = new Option<int>("--permutations") { Description = "Randomization test permutations.", DefaultValueFactory = _ => 100_000 }.Range(1, 100_000_000);
        var seed = new Option<int>("--seed") { Description = "Randomization test seed.", DefaultValueFactory = _ => 42 }.AtLeast(0);
        var longDocs = new Option<bool>("--long") { Description = "BRIGHT examples: judge with gold_ids_long." };
        var html = new Option<string?>("--html") { Description = "Also write an HTML report with charts (works offline)." };
        var runName = new Option<string?>("--run-name") { Description = "Run tag to print (default: the TREC run's tag, or the file name for BRIGHT JSON); one run only." };
        var command = new Command("eval", "Evaluate runs exactly as trec_eval does (and BRIGHT's protocol for BRIGHT examples).")
        {
            qrels, runs, measure, perTopic, complete, maxDocs, level, format, compare, permutations, seed, longDocs, runName, html,
        };
        command.SetAction(parse =>
        {
            (Qrels judgments, List<Topic>? brightTopics) = EvalInputs.ReadQrels(parse.GetValue(qrels)!, parse.GetValue(longDocs));
            string[] specs = parse.GetValue(measure) is { Length: > 0 } given ? [.. given.Select(MeasureNames.ToSpec)] : [];
            IReadOnlyList<Measure> measures = specs.Length > 0 ? Measures.Parse(specs)
                : brightTopics is not null ? BrightProtocol.Measures : Measures.Parse(DefaultMeasures);
            var options = new EvalOptions { RelevanceLevel = parse.GetValue(level), MaxDocsPerTopic = parse.GetValue(maxDocs), CompleteQueries = parse.GetValue(complete) };
            var reports = new List<EvalReport>();
            var chartReports = new List<EvalReport>();
            foreach (string path in parse.GetValue(runs)!)
            {
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

            if (parse.GetValue(html) is string htmlPath)
            {
                HtmlReport.Write(htmlPath, $"Evaluation of {string.Join(", ", reports.Select(r => r.RunName))}", [new HtmlReport.TaskResult("all", chartReports)]);
                context.Error.WriteLine($"wrote {htmlPath}");
            }

            string layout = parse.GetValue(format)!;
            if (layout == "trec_eval")
            {
                foreach (EvalReport r in reports)
                {
                    TrecEvalWriter.Write(context.Out, r, parse.GetValue(perTopic));
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
