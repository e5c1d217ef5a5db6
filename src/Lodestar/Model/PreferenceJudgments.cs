namespace Lodestar.Model;

/// <summary>One line of a preference file: within judgment group <paramref name="Group"/> and its sub-group
/// <paramref name="SubGroup"/>, <paramref name="DocId"/> has <paramref name="Level"/>; a higher level is preferred to
/// a lower one of the same sub-group, and 0 means non-relevant.</summary>
/// <param name="Group">The judgment group (one user's information need).</param>
/// <param name="SubGroup">The sub-group that orders its documents completely.</param>
/// <param name="DocId">The document.</param>
/// <param name="Level">The relevance level (its order matters, and whether it is 0).</param>
public readonly record struct PreferenceJudgment(string Group, string SubGroup, string DocId, double Level);

/// <summary>Preference judgments per topic (trec_eval's <c>-R prefs</c> and <c>-R qrels_prefs</c>).</summary>
public sealed class PreferenceJudgments
{
    private readonly Dictionary<string, List<PreferenceJudgment>> _topics = new(StringComparer.Ordinal);

    /// <summary>The topics with judgments, in file order.</summary>
    public IReadOnlyList<string> TopicIds => _order;

    private readonly List<string> _order = [];

    /// <summary>The judgments of <paramref name="topicId"/>, empty when it has none.</summary>
    public IReadOnlyList<PreferenceJudgment> this[string topicId] =>
        _topics.TryGetValue(topicId, out List<PreferenceJudgment>? lines) ? lines : [];

    /// <summary>Whether <paramref name="topicId"/> has judgments.</summary>
    public bool Contains(string topicId) => _topics.ContainsKey(topicId);

    /// <summary>Adds one judgment line.</summary>
    public void Add(string topicId, PreferenceJudgment judgment)
    {
        if (!_topics.TryGetValue(topicId, out List<PreferenceJudgment>? lines))
        {
            lines = [];
            _topics[topicId] = lines;
            _order.Add(topicId);
        }

        lines.Add(judgment);
    }
}
