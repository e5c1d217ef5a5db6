using System.CommandLine;
using System.Globalization;
using Lodestar.Cli.Report;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar bright eval --data DIR --runs DIR [--runs DIR ...]</c>: BRIGHT's protocol on every task found, a
/// per-task table with the macro average over tasks, to five decimals as BRIGHT prints it.
/// </summary>
/// <remarks>
/// DATA holds one folder per task with <c>examples.jsonl[.gz]</c>; each RUNS folder holds, per task, either
/// <c>TASK/RUNFILE</c> (default <c>gpt4_score.json</c>, the RaDeR layout) or <c>TASK.json</c> / <c>TASK.txt</c>.
/// </remarks>
internal static class BrightCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "Folder with one sub-folder per task holding examples.jsonl[.gz].", Required = true };
        var runs = new Option<string[]>("--runs") { Description = "Run folder, repeatable (one per system).", Required = true };
        var runFile = new Option<string>("--run-file") { Description = "Run file name inside TASK/ folders.", DefaultValueFactory = _ => "gpt4_score.json" };
        var measure = new Option<string>("-m", "--measure") { Description = "Measure of the table.", DefaultValueFactory = _ => "ndcg_cut.10" };
        var longDocs = new Option<bool>("--long") { Description = "Judge with gold_ids_long." };
        var html = new Option<string?>("--html") { Description = "Also write an HTML report with per-task bars." };
        var format = new Option<string>("--format") { Description = "text, markdown or csv.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown", "csv");
        var eval = new Command("eval", "Evaluate runs on every BRIGHT task with BRIGHT's protocol; per-task table and macro average.")
        {
            data, runs, runFile, measure, longDocs, html, format,
        };
        eval.SetAction(parse =>
        {
            Measure m = Measures.Parse([MeasureNames.ToSpec(parse.GetValue(measure)!)])[0];
            IReadOnlyList<Measure> measures = [.. BrightProtocol.Measures.Append(m).Concat(HtmlReport.ChartMeasures).DistinctBy(x => x.Id)];
            string[] runDirs = parse.GetValue(runs)!;
            var tasks = new List<HtmlReport.TaskResult>();
            foreach (string taskDir in Directory.GetDirectories(parse.GetValue(data)!).Order(StringComparer.Ordinal))
            {
                string task = Path.GetFileName(taskDir);
                string? examples = new[] { "examples.jsonl.gz", "examples.jsonl" }.Select(f => Path.Combine(taskDir, f)).FirstOrDefault(File.Exists);
                string?[] paths = [.. runDirs.Select(d => new[] { Path.Combine(d, task, parse.GetValue(runFile)!), Path.Combine(d, task + ".json"), Path.Combine(d, task + ".txt") }.FirstOrDefault(File.Exists))];
                if (examples is null || paths.Any(p => p is null))
                {
                    continue;
                }

                List<Topic> topics = TopicReader.Read(examples);
                Qrels qrels = QrelsFormat.FromGold(topics, parse.GetValue(longDocs));
                var reports = new List<EvalReport>();
                for (int i = 0; i < paths.Length; i++)
                {
                    (Run run, _) = BrightProtocol.Apply(EvalInputs.ReadRun(paths[i]!), topics);
                    run.Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(runDirs[i]));
                    reports.Add(Evaluator.Evaluate(qrels, run, measures));
                }

                tasks.Add(new HtmlReport.TaskResult(task, reports));
            }

            if (tasks.Count == 0)
            {
                throw new ArgumentException("no task has both examples and a run file; check --data, --runs and --run-file");
            }

            WriteTable(context.Out, tasks, m, parse.GetValue(format)!);
            if (parse.GetValue(html) is string htmlPath)
            {
                HtmlReport.Write(htmlPath, $"BRIGHT, {MeasureNames.Display(m)}", tasks);
                context.Error.WriteLine($"wrote {htmlPath}");
            }

            return 0;
        });
        return new Command("bright", "BRIGHT benchmark tools.") { eval, BrightRunCommand.Create(context), BrightRunCommand.CreateReport(context) };
    }

    private static void WriteTable(TextWriter w, List<HtmlReport.TaskResult> tasks, Measure m, string format)
    {
        string[] runs = [.. tasks[0].Runs.Select(r => r.RunName)];
        string F(double v) => BrightProtocol.Round5(v).ToString("F5", CultureInfo.InvariantCulture);
        var rows = tasks.Select(t => (string[])[t.Task, .. t.Runs.Select(r => F(r[m.Id]))]).ToList();
        rows.Add(["macro avg", .. runs.Select((_, i) => F(tasks.Average(t => t.Runs[i][m.Id])))]);
        string[] header = [$"task ({MeasureNames.Display(m)})", .. runs];
        EvalTableWriter.WriteGrid(w, header, rows, Enum.Parse<EvalTableWriter.Layout>(format, ignoreCase: true), leftColumns: 1);
    }
}
