using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Rerank.RetroStar;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar rerank --adaptive [--adaptive-min N]</c>: Retro*'s adaptive K, with <c>--samples</c> (or each
/// <c>--cascade</c> stage's K) as the cap; 16 when <c>--samples</c> is not given.
/// </summary>
internal sealed class AdaptiveKOptions
{
    private readonly Option<bool> _adaptive = new("--adaptive")
    {
        Description = "Retro*: draw samples for a pair until its place among its neighbours is settled (the 95% interval of its mean at the cap " +
            "clears theirs), with --samples as the cap (16 when --samples is not given; a --cascade stage's K).",
    };

    private readonly Option<int> _min = new Option<int>("--adaptive-min") { Description = "Adaptive K: samples every pair draws first.", DefaultValueFactory = _ => 2 }.Range(2, 1000);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_adaptive);
        command.Options.Add(_min);
    }

    /// <summary>The options with adaptive K set when <c>--adaptive</c> is given; the cap is <paramref name="samples"/>'s
    /// value when given, else 16.</summary>
    public RerankOptions ApplyTo(ParseResult parse, Option<int> samples, RerankOptions options)
    {
        if (!parse.GetValue(_adaptive))
        {
            return options;
        }

        int cap = parse.GetResult(samples) is { Implicit: false } ? parse.GetValue(samples) : 16;
        return options with { Samples = cap, Adaptive = new AdaptiveK(parse.GetValue(_min), cap) };
    }

    /// <summary>The summary line of adaptive K, or null for fixed K.</summary>
    public static string? Describe(RerankSummary s) => s.Adaptive is not { } a ? null
        : $"adaptive K (min {a.Min}, cap {a.Cap}): {a.Samples:N0} samples where fixed K would take {a.FixedSamples:N0} ({a.Saved:N0} saved, " +
          $"{100.0 * a.Saved / Math.Max(1, a.FixedSamples):F1}%) in {a.Rounds} rounds, {a.PairsAtCap:N0} pairs at the cap; Kendall tau with fixed K " +
          (a.KendallTau is double tau ? $"{tau:F4} (lowest topic {a.MinKendallTau:F4})" : "unknown (the store lacks fixed K's samples; a fixed-K run on the same store tells)");
}
