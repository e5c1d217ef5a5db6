using System.Text;

namespace Lodestar.Index;

/// <summary>Term → dense id, shared by the build's threads behind one lock.</summary>
/// <remarks>
/// The threads reach it only through their <see cref="TermCache"/>, so about once per distinct term per thread: a
/// lock costs nothing there. The table is a <see cref="Utf8KeyTable"/> (no object per term besides its string, which
/// the final sort by term needs).
/// </remarks>
internal sealed class Vocabulary
{
    private readonly Utf8KeyTable _ids = new(1 << 17, 1 << 16);
    private readonly List<string> _terms = new(1 << 16);
    private readonly Lock _gate = new();

    /// <summary>Distinct terms so far.</summary>
    public int Count => _terms.Count;

    /// <summary>The term with id <paramref name="id"/>; ids are dense from 0.</summary>
    public string this[int id] => _terms[id];

    /// <summary>The id of a term given as UTF-8 bytes, adding it if new.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> term)
    {
        ulong hash = Utf8Hash.Of(term);
        lock (_gate)
        {
            int entry = _ids.Find(term, hash, out int slot);
            if (entry >= 0)
            {
                return _ids.Value(entry);
            }

            int id = _terms.Count;
            _terms.Add(Encoding.UTF8.GetString(term));
            _ids.Add(slot, hash, term, id);
            return id;
        }
    }
}
