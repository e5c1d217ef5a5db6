using System.Runtime.CompilerServices;
using System.Text;

namespace Lodestar.Index;

/// <summary>
/// One build thread's private front to the shared <see cref="Vocabulary"/>: a <see cref="Utf8KeyTable"/> from the
/// UTF-8 bytes of the terms this thread has met to their ids, with no locks and no strings. A miss asks the vocabulary
/// once; afterwards the term costs one hash and one byte comparison. Most tokens of a corpus repeat earlier ones, so
/// the shared dictionary is reached about once per distinct term per thread.
/// </summary>
/// <remarks>Not thread-safe: one per thread.</remarks>
internal sealed class TermCache(Vocabulary vocabulary)
{
    private readonly Utf8KeyTable _table = new(1 << 17);

    /// <summary>The id of a term given as UTF-8 bytes, adding it to the vocabulary if new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int GetOrAdd(ReadOnlySpan<byte> term)
    {
        ulong hash = Utf8Hash.Of(term);
        int entry = _table.Find(term, hash, out int slot);
        if (entry >= 0)
        {
            return (int)_table.Value(entry);
        }

        int id = vocabulary.GetOrAdd(term);
        _table.Add(slot, hash, term, id);
        return id;
    }

    /// <summary>The id of a term given as characters (analyzer output), encoded on the stack.</summary>
    public int GetOrAdd(ReadOnlySpan<char> term)
    {
        int max = Encoding.UTF8.GetMaxByteCount(term.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(term, utf8);
        return GetOrAdd((ReadOnlySpan<byte>)utf8[..n]);
    }
}
