using System.Globalization;
using Lodestar.Errors;
using Lodestar.Fusion;

namespace Lodestar.Pipeline.Recipes;

/// <summary>A fusion of earlier runs with any method of <see cref="RunFusion"/>.</summary>
/// <param name="Position">Where it is written.</param>
public sealed record RecipeFusion(SourcePosition Position) : RecipeNode(Position)
{
    /// <summary>The method.</summary>
    public FusionMethod Method { get; init; } = FusionMethod.Rrf;

    /// <summary>The normalisation (score-based methods; null: the method's default).</summary>
    public ScoreNormalization? Normalization { get; init; }

    /// <summary>The runs fused, with their weights (1 unless given).</summary>
    public required IReadOnlyList<(string Run, double Weight)> Runs { get; init; }

    /// <summary>Hits per topic of the fused run.</summary>
    public int Depth { get; init; } = 1000;

    /// <summary>Each input is cut to its best <c>Top</c> hits before fusing (null: all).</summary>
    public int? Top { get; init; }

    /// <summary>RRF's k.</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>What decides the output, for the step key.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Method}|{Normalization?.ToString() ?? "default"}|depth={Depth}|top={Top?.ToString(CultureInfo.InvariantCulture) ?? "all"}|rrf_k={RrfK}|{string.Join(',', Runs.Select(r => $"{r.Run}:{r.Weight:R}"))}");
}
