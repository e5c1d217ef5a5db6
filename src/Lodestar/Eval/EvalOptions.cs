namespace Lodestar.Eval;

/// <summary>trec_eval's evaluation flags.</summary>
public sealed record EvalOptions
{
    /// <summary><c>-l</c>: the minimum grade counted as relevant (default 1).</summary>
    public int RelevanceLevel { get; init; } = 1;

    /// <summary><c>-M</c>: only the first M documents of each topic, after sorting.</summary>
    public int MaxDocsPerTopic { get; init; } = int.MaxValue;

    /// <summary><c>-c</c>: average over every topic of the qrels; topics missing from the run score as empty rankings.</summary>
    public bool CompleteQueries { get; init; }

    /// <summary><c>-Z</c>: per-topic means and standard deviations; values become z-scores before averaging.</summary>
    public ZScores? ZScores { get; init; }

    /// <summary><c>-R prefs</c> or <c>-R qrels_prefs</c>: preference judgments; their topics are the ones evaluated.</summary>
    public Model.PreferenceJudgments? Preferences { get; init; }
}
