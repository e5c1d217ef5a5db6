namespace Lodestar.Model;

/// <summary>Relevance judgments: a grade per (topic, document). A grade of 0 or less means judged non-relevant.</summary>
public sealed class Qrels
{
    private readonly Dictionary<string, Judgments> _topics = new(StringComparer.Ordinal);

    /// <summary>The judged topic ids, in insertion order.</summary>
    public IReadOnlyList<string> TopicIds => _order;

    private readonly List<string> _order = [];

    /// <summary>The judgments of <paramref name="topicId"/>, empty when it has none: a read-only dictionary from
    /// document id to grade, in the order the judgments were added.</summary>
    public IReadOnlyDictionary<string, int> this[string topicId] =>
        _topics.TryGetValue(topicId, out Judgments? j) ? j : s_empty;

    private static readonly Judgments s_empty = new();

    /// <summary>Whether <paramref name="topicId"/> has judgments.</summary>
    public bool Contains(string topicId) => _topics.ContainsKey(topicId);

    // the topic of the last TryAdd and its judgments (qrels are read topic by topic)
    private string? _lastTopic;
    private Judgments? _lastJudgments;

    /// <summary>Records a judgment; returns false when this (topic, document) was already judged.</summary>
    /// <exception cref="ArgumentException">The document id is not valid Unicode (a lone surrogate).</exception>
    public bool TryAdd(string topicId, string docId, int grade) => JudgmentsFor(topicId).TryAdd(docId, grade);

    /// <summary>Records a judgment of the document whose id is the UTF-8 bytes <paramref name="docId"/> (as a qrels
    /// file is read); returns false when this (topic, document) was already judged.</summary>
    internal bool TryAdd(string topicId, ReadOnlySpan<byte> docId, int grade) => JudgmentsFor(topicId).TryAdd(docId, grade);

    private Judgments JudgmentsFor(string topicId)
    {
        if (!ReferenceEquals(topicId, _lastTopic))
        {
            if (!_topics.TryGetValue(topicId, out Judgments? judgments))
            {
                // sized like the topic before: qrels come grouped by topic, and growing one resize at a time leaves
                // most of the memory behind as garbage
                judgments = new Judgments(_lastJudgments?.Count ?? 0, _lastJudgments?.ByteCount ?? 0);
                _topics[topicId] = judgments;
                _order.Add(topicId);
            }

            _lastTopic = topicId;
            _lastJudgments = judgments;
        }

        return _lastJudgments!;
    }

    private Dictionary<string, SortedDictionary<string, Dictionary<string, int>>>? _groups;

    /// <summary>Whether the judgments come in judgment groups (trec_eval's <c>-R qrels_jg</c>).</summary>
    public bool HasGroups => _groups is not null;

    /// <summary>The judgment groups of <paramref name="topicId"/>, in group id order (empty without groups).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, int>> GroupsOf(string topicId) =>
        _groups is not null && _groups.TryGetValue(topicId, out SortedDictionary<string, Dictionary<string, int>>? g) ? [.. g.Values] : [];

    /// <summary>Records a judgment of one judgment group; the topic's plain judgments keep the first grade seen for a
    /// document. Returns false when the group already judged this document.</summary>
    public bool TryAddToGroup(string topicId, string group, string docId, int grade)
    {
        _groups ??= new(StringComparer.Ordinal);
        if (!_groups.TryGetValue(topicId, out SortedDictionary<string, Dictionary<string, int>>? groups))
        {
            groups = new SortedDictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
            _groups[topicId] = groups;
        }

        if (!groups.TryGetValue(group, out Dictionary<string, int>? judgments))
        {
            judgments = new Dictionary<string, int>(StringComparer.Ordinal);
            groups[group] = judgments;
        }

        TryAdd(topicId, docId, grade);
        return judgments.TryAdd(docId, grade);
    }
}
