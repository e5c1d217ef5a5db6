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
        var method = new Option<FusionMethod>("--method") { Description = "rrf (k = 60), minmax (per-query min-max weighted sum) or zscore.", DefaultValueFactory = _ => FusionMethod.Rrf };
        var k = new Option<int>("--k") { Description = "Hits kept per topic.", DefaultValueFactory = _ => 1000 }.Range(1, 10_000_000);
        var rrfK = new Option<int>("--rrf-k") { Description = "RRF's k.", DefaultValueFactory = _ => 60 }.Range(0, 1_000_000);
        var output = new Option<string>("--output", "-o") { Description = "Fused run: .json for BRIGHT JSON, else TREC.", Required = true };
        var command = new Command("fuse", "Fuse runs: reciprocal rank fusion, min-max or z-score weighted sums.") { runs, method, k, rrfK, output };
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
            Run fused = RunFusion.Fuse(inputs, parse.GetValue(method), parse.GetValue(k), parse.GetValue(rrfK), $"fused-{parse.GetValue(method).ToString().ToLowerInvariant()}");
            string path = parse.GetValue(output)!;
            SearchCommand.WriteRun(path, fused);
            context.Error.WriteLine($"fused {inputs.Count} runs ({parse.GetValue(method).ToString().ToLowerInvariant()}) over {fused.TopicIds.Count} topics; wrote {path}");
            return 0;
        });
        return command;
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
