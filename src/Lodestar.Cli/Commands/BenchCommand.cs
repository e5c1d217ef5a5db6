using System.CommandLine;
using Lodestar.Cli.Commands.Bm25Bench;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar bench</c>: end-to-end benchmarks against peers installed on this machine.</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context) =>
        new("bench", "End-to-end benchmarks against peers installed on this machine.")
        {
            Bm25Bench.Bm25Bench.Create(context), Bm25SearchWorker.Create(context), EvalBench.EvalBench.Create(context), DenseBench.DenseBench.Create(context), EngineBench.Create(context),
        };
}
