using System.Collections.Concurrent;

namespace Lodestar.Index;

/// <summary>Term → dense id, shared by the build's threads: lock-free lookups, a lock only to add a new term.</summary>
internal sealed class Vocabulary
{
    private readonly ConcurrentDictionary<string, int> _ids = new();
    private readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<string> _terms = [];
    private readonly Lock _gate = new();

    public Vocabulary() => _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Distinct terms so far.</summary>
    public int Count => _terms.Count;

    /// <summary>The term with id <paramref name="id"/>; ids are dense from 0.</summary>
    public string this[int id] => _terms[id];

    /// <summary>The id of <paramref name="term"/>, adding it if new.</summary>
    public int GetOrAdd(ReadOnlySpan<char> term)
    {
        if (_lookup.TryGetValue(term, out int id))
        {
            return id;
        }

        lock (_gate)
        {
            if (_lookup.TryGetValue(term, out id))
            {
                return id;
            }

            string s = term.ToString();
            id = _terms.Count;
            _terms.Add(s);
            _ids[s] = id;
            return id;
        }
    }
}
