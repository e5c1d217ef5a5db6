namespace Lodestar.Model;

/// <summary>Ranked hits per topic: the value every stage reads and writes (a TREC run file in memory).</summary>
/// <remarks>Topics keep the order in which they were added; hits keep the order they were given.</remarks>
public sealed class Run
{
    private readonly Dictionary<string, List<Hit>> _topics = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Creates an empty run named <paramref name="name"/> (the TREC run tag).</summary>
    public Run(string name = "lodestar") => Name = name;

    /// <summary>The run tag.</summary>
    public string Name { get; set; }

    /// <summary>The topic ids, in insertion order.</summary>
    public IReadOnlyList<string> TopicIds => _order;

    /// <summary>The number of topics.</summary>
    public int Count => _order.Count;

    /// <summary>The hits of <paramref name="topicId"/>, empty when the run has none.</summary>
    public IReadOnlyList<Hit> this[string topicId] => _topics.TryGetValue(topicId, out List<Hit>? hits) ? hits : [];

    /// <summary>Whether the run has hits for <paramref name="topicId"/>.</summary>
    public bool Contains(string topicId) => _topics.ContainsKey(topicId);

    /// <summary>Sets the hits of <paramref name="topicId"/>, replacing any it had.</summary>
    public void Set(string topicId, List<Hit> hits)
    {
        if (!_topics.ContainsKey(topicId))
        {
            _order.Add(topicId);
        }

        _topics[topicId] = hits;
    }

    /// <summary>Appends one hit to <paramref name="topicId"/>.</summary>
    public void Add(string topicId, Hit hit)
    {
        if (!_topics.TryGetValue(topicId, out List<Hit>? hits))
        {
            hits = [];
            _topics[topicId] = hits;
            _order.Add(topicId);
        }

        hits.Add(hit);
    }
}
