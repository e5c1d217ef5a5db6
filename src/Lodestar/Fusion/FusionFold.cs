namespace Lodestar.Fusion;

/// <summary>One fold of <see cref="FusionOptimizer"/>: what was chosen on its training topics and how it did on its
/// test topics.</summary>
/// <param name="Fold">1-based fold number.</param>
/// <param name="TrainTopics">Topics the grid search evaluated.</param>
/// <param name="TestTopics">Topics fused with the chosen settings and never evaluated during the search.</param>
/// <param name="Weights">The chosen weight of each run, in input order.</param>
/// <param name="RrfK">The chosen RRF k (the input k for other methods).</param>
/// <param name="TrainScore">The measure's mean over the training topics with the chosen settings.</param>
/// <param name="TestScore">The measure's mean over the test topics with the chosen settings (NaN when none is judged).</param>
public sealed record FusionFold(int Fold, IReadOnlyList<string> TrainTopics, IReadOnlyList<string> TestTopics,
    IReadOnlyList<double> Weights, int RrfK, double TrainScore, double TestScore);
