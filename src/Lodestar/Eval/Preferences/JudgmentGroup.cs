namespace Lodestar.Eval.Preferences;

/// <summary>
/// One judgment group of a topic after it met the ranking: how many of its preferences the ranking fulfils, in three
/// areas (both documents retrieved, one retrieved, neither), and its preferences in one of two forms.
/// </summary>
/// <remarks>
/// Documents are numbered by "judged rank": the judged documents the run retrieved, in rank order, are 0 to
/// <see cref="PreferenceCounts.JudgedRetrieved"/> − 1; the judged documents it missed follow, in id order. A
/// preference a &gt; b is fulfilled when a's judged rank is lower than b's. A group with one sub-group is a list of
/// equivalence classes (documents of one level, best level first); a group with several sub-groups is a preference
/// matrix closed under transitivity.
/// </remarks>
public sealed class JudgmentGroup
{
    /// <summary>Preferences with both documents retrieved that the ranking fulfils.</summary>
    public long FulfilledRetrieved { get; internal set; }

    /// <summary>Preferences with both documents retrieved.</summary>
    public long PossibleRetrieved { get; internal set; }

    /// <summary>Preferences with only the preferred document retrieved (fulfilled by implication).</summary>
    public long FulfilledImplied { get; internal set; }

    /// <summary>Preferences with exactly one document retrieved.</summary>
    public long PossibleImplied { get; internal set; }

    /// <summary>Preferences with neither document retrieved.</summary>
    public long PossibleNotRetrieved { get; internal set; }

    /// <summary>Documents with a level above 0.</summary>
    public long Relevant { get; internal set; }

    /// <summary>Documents with level 0.</summary>
    public long NonRelevant { get; internal set; }

    /// <summary>Retrieved documents with a level above 0.</summary>
    public long RelevantRetrieved { get; internal set; }

    /// <summary>Retrieved documents with level 0.</summary>
    public long NonRelevantRetrieved { get; internal set; }

    /// <summary>Equivalence classes, best level first, each its judged ranks in increasing order; null for a
    /// matrix group.</summary>
    internal int[][]? Classes { get; init; }

    /// <summary>The level of each class.</summary>
    internal double[]? ClassLevels { get; init; }

    /// <summary>Matrix group: Prefers[a, b] when a is preferred to b (transitively); null for a class group.</summary>
    internal bool[,]? Prefers { get; init; }

    /// <summary>Matrix group: each judged rank's level in this group, −1 when the group does not judge it.</summary>
    internal double[]? Levels { get; init; }
}
