namespace Lodestar.Model;

/// <summary>A run held as columns per topic (<see cref="TopicColumns"/>): what evaluation reads from a large TREC
/// run file without an object per hit.</summary>
/// <remarks>Topics keep the order in which they first appear; hits keep file order.</remarks>
public sealed class RunColumns
{
    private readonly Dictionary<string, TopicColumns> _topics = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private TopicColumns? _last;

    /// <summary>Creates an empty run named <paramref name="name"/> (the TREC run tag).</summary>
    public RunColumns(string name) => Name = name;

    /// <summary>The run tag.</summary>
    public string Name { get; set; }

    /// <summary>The topic ids, in order of first appearance.</summary>
    public IReadOnlyList<string> TopicIds => _order;

    /// <summary>The number of topics.</summary>
    public int Count => _order.Count;

    /// <summary>Whether the run has hits for <paramref name="topicId"/>.</summary>
    public bool Contains(string topicId) => _topics.ContainsKey(topicId);

    /// <summary>The hits of <paramref name="topicId"/>.</summary>
    /// <exception cref="KeyNotFoundException">The run has no such topic.</exception>
    public TopicColumns this[string topicId] => _topics[topicId];

    /// <summary>The hits of <paramref name="topicId"/>, added empty when new.</summary>
    public TopicColumns GetOrAdd(string topicId)
    {
        if (!_topics.TryGetValue(topicId, out TopicColumns? topic))
        {
            // Sized like the topic before it (plus an eighth for longer ids): runs usually have one depth.
            _topics[topicId] = topic = _last is null ? new TopicColumns() : new TopicColumns(_last.Count, _last.IdByteCount + (_last.IdByteCount >> 3));
            _last = topic;
            _order.Add(topicId);
        }

        return topic;
    }

    /// <summary>The same run with a <see cref="Hit"/> per hit, for the stages that need strings.</summary>
    public Run ToRun()
    {
        var run = new Run(Name);
        foreach (string topic in _order)
        {
            run.Set(topic, _topics[topic].ToHits());
        }

        return run;
    }
}
