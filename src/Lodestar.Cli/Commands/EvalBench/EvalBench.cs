using System.CommandLine;
using System.Globalization;
using System.Text;
using Lodestar.Cli.Commands.Bm25Bench;
using Lodestar.Cli.Options;
using Lodestar.Errors;
using Lodestar.Formats;

namespace Lodestar.Cli.Commands.EvalBench;

/// <summary>
/// <c>lodestar bench eval</c>: <c>lodestar eval</c> against trec_eval built from source, whole process, on the same
/// qrels and TREC run files, with the outputs compared byte for byte (see docs/benchmarks.md).
/// </summary>
/// <remarks>
/// Cases: three topics (start-up), every task's real run, and all tasks together with each topic's run filled to a
/// fixed depth (1,384 × 1,000 on BRIGHT). Both programs read the same files (ids with spaces written as <c>%20</c>,
/// which trec_eval needs); the conversion is outside the timed region. Passes alternate which program runs first, so a
/// slow window of a shared machine costs both.
/// </remarks>
internal static class EvalBench
{
    private sealed record Options(string TrecEval, string QrelsDir, string RunsDir, int Depth, int Passes, string Measure, string Work, string? Markdown);

    public static Command Create(CliContext context)
    {
        var trecEval = new Option<string>("--trec-eval") { Description = "trec_eval's binary (build it with make in a checkout of usnistgov/trec_eval).", Required = true };
        var qrelsDir = new Option<string>("--qrels-dir") { Description = "Folder with TASK/qrels.txt per task (BRIGHT: ../shared/data/bright).", Required = true };
        var runsDir = new Option<string>("--runs-dir") { Description = "Folder with one run per TASK/ (a TREC run, or BRIGHT's score JSON), e.g. ../shared/data/bright-runs/rader-gte-qwen2-7b.", Required = true };
        var depth = new Option<int>("--depth") { Description = "Documents per topic in the all-tasks case; runs are filled with unjudged ids below their last hit.", DefaultValueFactory = _ => 1000 }.Range(1, 1_000_000);
        var passes = new Option<int>("--passes") { Description = "Runs of each program per case, alternating which goes first.", DefaultValueFactory = _ => 5 }.Range(1, 1000);
        var measure = new Option<string>("-m") { Description = "The measure set both programs compute.", DefaultValueFactory = _ => "all_trec" };
        var work = new Option<string>("--work") { Description = "Scratch directory for the converted inputs.", DefaultValueFactory = _ => "out/bench/eval" };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file." };
        var command = new Command("eval", "Benchmark lodestar eval against trec_eval as whole processes on the same files, checking that the outputs are identical.")
        {
            trecEval, qrelsDir, runsDir, depth, passes, measure, work, markdown,
        };
        command.SetAction(parse => Run(context, new Options(parse.GetValue(trecEval)!, parse.GetValue(qrelsDir)!, parse.GetValue(runsDir)!,
            parse.GetValue(depth), parse.GetValue(passes), parse.GetValue(measure)!, parse.GetValue(work)!, parse.GetValue(markdown))));
        return command;
    }

    private static int Run(CliContext context, Options o)
    {
        if (!MeasuredProcess.Available)
        {
            context.Error.WriteLine("error: bench eval needs /usr/bin/time (apt-get install time)");
            return 1;
        }

        if (!File.Exists(o.TrecEval))
        {
            throw new InputException(new SourcePosition(o.TrecEval, 1, 1), "expected trec_eval's binary, found no file");
        }

        List<EvalBenchCase> cases = EvalBenchInputs.Write(o.QrelsDir, o.RunsDir, o.Depth, o.Work);
        var self = new SelfCommand();
        var rows = new List<(EvalBenchCase Case, List<Measured> TrecEval, List<Measured> Lodestar, List<Measured> OneCore)>();
        foreach (EvalBenchCase c in cases)
        {
            var te = new List<Measured>();
            var lo = new List<Measured>();
            var one = new List<Measured>();
            for (int p = 0; p < o.Passes; p++)
            {
                Measured TrecEval() => MeasuredProcess.Run(o.TrecEval, ["-m", o.Measure, c.Qrels, c.Run]);
                Measured Lodestar(bool oneCore) => self.Measure(oneCore, "eval", "--format", "trec_eval", "-m", o.Measure, c.Qrels, c.Run);
                if (p % 2 == 0)
                {
                    te.Add(TrecEval());
                    lo.Add(Lodestar(false));
                    one.Add(Lodestar(true));
                }
                else
                {
                    one.Add(Lodestar(true));
                    lo.Add(Lodestar(false));
                    te.Add(TrecEval());
                }
            }

            if (te[0].Stdout != lo[0].Stdout)
            {
                context.Error.WriteLine($"error: {c.Name}: lodestar eval and trec_eval print different output; first difference: {FirstDifference(te[0].Stdout, lo[0].Stdout)}");
                return 1;
            }

            rows.Add((c, te, lo, one));
            context.Error.WriteLine($"bench eval: {c.Name} done ({o.Passes} passes each, outputs identical)");
        }

        string text = Report(o, self, rows);
        context.Out.Write(text);
        if (o.Markdown is not null)
        {
            AtomicFile.Write(o.Markdown, s => s.Write(Encoding.UTF8.GetBytes(text)));
        }

        return 0;
    }

    private static string Report(Options o, SelfCommand self, List<(EvalBenchCase Case, List<Measured> TrecEval, List<Measured> Lodestar, List<Measured> OneCore)> rows)
    {
        var text = new StringBuilder();
        void Line(string s = "") => text.Append(CultureInfo.InvariantCulture, $"{s}\n");
        Line($"Evaluation benchmark, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: `lodestar eval --format trec_eval -m {o.Measure}` " +
            $"({self.Describe()}) on all {Environment.ProcessorCount} cores and pinned to one (CPU 0, by inherited affinity: no taskset process in the timing), against `{o.TrecEval} -m {o.Measure}` (single-threaded); whole process measured from outside, {o.Passes} passes each, alternating; outputs identical byte for byte.");
        Line();
        Line("| case | topics | run lines | trec_eval wall ms, min / median | lodestar wall ms, min / median | lodestar 1 core wall ms, min / median | CPU s, min: trec_eval / lodestar / 1 core | peak RSS MiB, trec_eval / lodestar | speed-up, min / median | speed-up 1 core, min / median |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((EvalBenchCase c, List<Measured> te, List<Measured> lo, List<Measured> one) in rows)
        {
            double[] tw = [.. te.Select(m => m.WallSeconds * 1000)], lw = [.. lo.Select(m => m.WallSeconds * 1000)], ow = [.. one.Select(m => m.WallSeconds * 1000)];
            Line(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Name} | {c.Topics:N0} | {c.RunLines:N0} | {Stats.Min(tw):F1} / {Stats.Median(tw):F1} | {Stats.Min(lw):F1} / {Stats.Median(lw):F1} | {Stats.Min(ow):F1} / {Stats.Median(ow):F1} | " +
                $"{te.Min(m => m.CpuSeconds):F2} / {lo.Min(m => m.CpuSeconds):F2} / {one.Min(m => m.CpuSeconds):F2} | {te.Max(m => m.PeakMiB):F0} / {lo.Max(m => m.PeakMiB):F0} | " +
                $"{Stats.Min(tw) / Stats.Min(lw):F2}× / {Stats.Median(tw) / Stats.Median(lw):F2}× | {Stats.Min(tw) / Stats.Min(ow):F2}× / {Stats.Median(tw) / Stats.Median(ow):F2}× |"));
        }

        Line();
        Line("Speed-up = trec_eval's wall time / lodestar's (above 1: lodestar is faster); min is best against best, median against median.");
        return text.ToString();
    }

    private static string FirstDifference(string a, string b)
    {
        string[] x = a.Split('\n'), y = b.Split('\n');
        for (int i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            string l = i < x.Length ? x[i] : "(end)", r = i < y.Length ? y[i] : "(end)";
            if (l != r)
            {
                return $"line {i + 1}: trec_eval '{l}', lodestar '{r}'";
            }
        }

        return "none";
    }
}
