using System.CommandLine;
using Lodestar.Cli.Options;
using System.Globalization;
using Lodestar.Formats;
using Lodestar.Fusion;
using Lodestar.Model;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar fuse RUN:W RUN:W … -o RUN</c>: hybrid fusion of first-stage runs.</summary>
internal static class FuseCommand
{
    public static Command Create(CliContext context)
    {
        var runs = new Argument<string[]>("runs") { Description = "Runs to fuse, each RUN or RUN:WEIGHT (weight 1 by default); TREC or BRIGHT JSON.", Arity = new ArgumentArity(1, 64) };
        var method = new Option<FusionMethod>("--method")
        {
            Description = "rrf, minmax, zscore, combsum, combmnz, combanz, combmax, combmin, combmed, weightedsum, isr, logisr, borda, weightedborda or condorcet (docs/reasoning.md).",
            DefaultValueFactory = _ => FusionMethod.Rrf,
        };
        var norm = new Option<ScoreNormalization?>("--norm") { Description = "Normalisation before a Comb method or weightedsum: none, minmax (default), max, sum, zscore, rank or borda." };
        var k = new Option<int>("--k") { Description = "Hits kept per topic.", DefaultValueFactory = _ => 1000 }.Range(1, 10_000_000);
        var rrfK = new Option<int>("--rrf-k") { Description = "RRF's k.", DefaultValueFactory = _ => 60 }.Range(0, 1_000_000);
        var optimize = new Option<string?>("--optimize") { Description = "Pick the weights (RRF: k) that maximise this trec_eval measure, such as ndcg_cut.10, by grid search with cross-validation over topics: each fold is fused with settings chosen on the other folds. Needs --qrels." };
        var qrels = new Option<string?>("--qrels") { Description = "Judgments for --optimize (TREC, BEIR or BRIGHT examples)." };
        var folds = new Option<int>("--folds") { Description = "Folds for --optimize (topics sorted by id, dealt round-robin).", DefaultValueFactory = _ => 5 }.Range(2, 1000);
        var step = new Option<double>("--step") { Description = "Weight grid step for --optimize (weights sum to 1).", DefaultValueFactory = _ => 0.1 }.Range(0.001, 1);
        var output = new Option<string>("--output", "-o") { Description = "Fused run: .json for BRIGHT JSON, else TREC.", Required = true };
        var command = new Command("fuse", "Fuse runs with any ranx method (CombSUM/MNZ/ANZ/MAX/MIN/MED, weighted sum, RRF, ISR, log-ISR, Borda, Condorcet), optionally with weights chosen by cross-validated grid search.")
        {
            runs, method, norm, k, rrfK, optimize, qrels, folds, step, output,
        };
        command.Validators.Add(result =>
        {
            int given = result.GetResult(runs)?.Tokens.Count ?? 0;
            if (given == 1)
            {
                result.AddError($"fuse needs at least two runs to fuse, found one ({result.GetResult(runs)!.Tokens[0].Value})");
            }
        });
        command.SetAction(parse =>
        {
            AtomicFile.CheckTarget(parse.GetValue(output)!);
            var inputs = parse.GetValue(runs)!.Select(ParseSpec).Select(s => (EvalInputs.ReadRun(s.Path), s.Weight)).ToList();
            FusionMethod chosen = parse.GetValue(method);
            var options = new FusionOptions
            {
                Method = chosen, Normalization = parse.GetValue(norm), Depth = parse.GetValue(k), RrfK = parse.GetValue(rrfK),
                Name = $"fused-{chosen.ToString().ToLowerInvariant()}",
            };
            Run fused;
            if (parse.GetValue(optimize) is { } measureName)
            {
                string qrelsPath = parse.GetValue(qrels) ?? throw new ArgumentException("--optimize needs --qrels");
                Eval.Measure measure = Eval.Measures.Parse([measureName]) is [var single] ? single
                    : throw new ArgumentException($"--optimize takes one measure, found '{measureName}'");
                (fused, IReadOnlyList<FusionFold> report) = FusionOptimizer.Optimize([.. inputs.Select(i => i.Item1)],
                    EvalInputs.ReadQrels(qrelsPath, longDocuments: false).Qrels, measure, options, parse.GetValue(folds), parse.GetValue(step));
                WriteFolds(context, measure.Id, report);
            }
            else
            {
                fused = RunFusion.Fuse(inputs, options);
            }

            string path = parse.GetValue(output)!;
            SearchCommand.WriteRun(path, fused);
            context.Error.WriteLine($"fused {inputs.Count} runs ({chosen.ToString().ToLowerInvariant()}) over {fused.TopicIds.Count} topics; wrote {path}");
            return 0;
        });
        return command;
    }

    private static void WriteFolds(CliContext context, string measure, IReadOnlyList<FusionFold> folds)
    {
        context.Out.WriteLine($"fold\ttrain\ttest\tweights\trrf_k\t{measure}_train\t{measure}_test");
        foreach (FusionFold f in folds)
        {
            string weights = string.Join(",", f.Weights.Select(w => w.ToString("0.###", CultureInfo.InvariantCulture)));
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f.Fold}\t{f.TrainTopics.Count}\t{f.TestTopics.Count}\t{weights}\t{f.RrfK}\t{f.TrainScore:0.0000}\t{f.TestScore:0.0000}"));
        }

        double mean = folds.Sum(f => f.TestScore * f.TestTopics.Count) / folds.Sum(f => f.TestTopics.Count);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"all\t\t{folds.Sum(f => f.TestTopics.Count)}\t\t\t\t{mean:0.0000}"));
    }

    /// <summary>Parses <c>RUN</c> or <c>RUN:W</c> (the last colon, when a number follows it, is the weight).</summary>
    internal static (string Path, double Weight) ParseSpec(string spec)
    {
        int colon = spec.LastIndexOf(':');
        if (colon > 0 && double.TryParse(spec[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double w))
        {
            return w >= 0 ? (spec[..colon], w) : throw new ArgumentException($"'{spec}': a weight must not be negative");
        }

        return (spec, 1.0);
    }
}
