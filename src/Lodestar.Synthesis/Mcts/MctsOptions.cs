namespace Lodestar.Synthesis.Mcts;

/// <summary>The search's settings; the defaults are RaDeR's rStar configuration.</summary>
public sealed record MctsOptions
{
    /// <summary>Rollouts per problem (16).</summary>
    public int Rollouts { get; init; } = 16;

    /// <summary>Deepest node (6); a node one above it only expands "complete the remaining steps".</summary>
    public int MaxDepth { get; init; } = 6;

    /// <summary>UCT exploration constant c (2), constant over rollouts.</summary>
    public double Exploration { get; init; } = 2;

    /// <summary>Children of a one-step-thought expansion (2).</summary>
    public int ThoughtChildren { get; init; } = 2;

    /// <summary>Documents retrieved per query (5).</summary>
    public int RetrieveTop { get; init; } = 5;

    /// <summary>Characters of a document shown to the model (reflection and context).</summary>
    public int DocumentChars { get; init; } = 2000;

    /// <summary>Relative tolerance of float answers (TheoremQA: 4%).</summary>
    public double FloatTolerance { get; init; } = Answers.AnswerChecker.DefaultFloatTolerance;

    /// <summary>Ask the model whether a rule-unequal answer is equivalent.</summary>
    public bool JudgeEquivalence { get; init; }

    /// <summary>Problems searched at once.</summary>
    public int Parallel { get; init; } = 8;
}
