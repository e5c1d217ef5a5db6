using System.Buffers;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Text;
using System.Text.Unicode;
using Lodestar.Index;

namespace Lodestar.Model;

/// <summary>
/// One topic's judgments, read as a dictionary from document id to grade: the ids as UTF-8 bytes back to back in one
/// block, found through an open-addressing table, in the order they were added.
/// </summary>
/// <remarks>A dictionary of strings costs each judgment a string and an entry (about 110 bytes for a BRIGHT id of 26
/// characters); this costs the id's bytes and 20 more, and a run read as bytes looks its ids up without decoding them.
/// For a 20 ms evaluation, memory first touched is most of the cost of reading the qrels (docs/benchmarks.md). Ids are
/// compared as ordinal strings are: UTF-8 bytes are equal exactly when the strings are. Strings are made only when
/// the judgments are enumerated, once.</remarks>
internal sealed class Judgments : IReadOnlyDictionary<string, int>
{
    private ByteStrings _ids;
    private int[] _grades;
    private int[] _hashes;
    private int[] _slots; // entry index + 1; 0 = empty; a power of two, at least 4/3 of the count
    private string[]? _keys;

    /// <summary>Judgments sized for <paramref name="count"/> ids of <paramref name="bytes"/> bytes in all (they grow
    /// past that as needed).</summary>
    public Judgments(int count = 0, int bytes = 0)
    {
        int capacity = Math.Max(count, 4);
        _ids = new ByteStrings(capacity, Math.Max(bytes, capacity * 16));
        _grades = new int[capacity];
        _hashes = new int[capacity];
        _slots = new int[(int)BitOperations.RoundUpToPowerOf2((uint)(capacity + (capacity / 3) + 1))];
    }

    /// <inheritdoc/>
    public int Count => _ids.Count;

    /// <summary>The bytes of every id together (for sizing the next topic's judgments like this one).</summary>
    internal int ByteCount => _ids.ByteCount;

    /// <summary>The grades, in the order the judgments were added.</summary>
    internal ReadOnlySpan<int> Grades => _grades.AsSpan(0, Count);

    /// <inheritdoc/>
    public int this[string key] => TryGetValue(key, out int grade) ? grade : throw new KeyNotFoundException($"no judgment of '{key}'");

    /// <inheritdoc/>
    public IEnumerable<string> Keys => KeyArray();

    /// <inheritdoc/>
    public IEnumerable<int> Values => _grades.AsSpan(0, Count).ToArray();

    /// <summary>Adds a judgment of the id whose UTF-8 bytes are <paramref name="id"/>; false when it is judged already.</summary>
    internal bool TryAdd(ReadOnlySpan<byte> id, int grade)
    {
        int hash = (int)Utf8Hash.Of(id); // the index build's hash of UTF-8 keys
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        while (_slots[slot] != 0)
        {
            int other = _slots[slot] - 1;
            if (_hashes[other] == hash && Id(other).SequenceEqual(id))
            {
                return false;
            }

            slot = (slot + 1) & mask;
        }

        int e = Count;
        _ids.Add(id, out int grown);
        if (grown > 0)
        {
            Array.Resize(ref _grades, grown);
            Array.Resize(ref _hashes, grown);
        }

        _grades[e] = grade;
        _hashes[e] = hash;
        _slots[slot] = e + 1;
        _keys = null;
        if (Count * 4 > _slots.Length * 3)
        {
            Rehash(_slots.Length * 2);
        }

        return true;
    }

    /// <summary>Adds a judgment of <paramref name="id"/>; false when it is judged already.</summary>
    /// <exception cref="ArgumentException">The id is not valid Unicode (a lone surrogate).</exception>
    internal bool TryAdd(string id, int grade)
    {
        byte[]? rented = null;
        Span<byte> buffer = id.Length <= 128 ? stackalloc byte[384] : (rented = ArrayPool<byte>.Shared.Rent(id.Length * 3));
        try
        {
            if (Utf8.FromUtf16(id, buffer, out _, out int length, replaceInvalidSequences: false) != OperationStatus.Done)
            {
                throw new ArgumentException($"expected a document id in valid Unicode, found {Errors.ThrowHelper.Quote(id)}", nameof(id));
            }

            return TryAdd(buffer[..length], grade);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The grade of the id whose UTF-8 bytes are <paramref name="id"/>.</summary>
    internal bool TryGetValue(ReadOnlySpan<byte> id, out int grade)
    {
        int hash = (int)Utf8Hash.Of(id); // the index build's hash of UTF-8 keys
        int mask = _slots.Length - 1;
        for (int slot = hash & mask; _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            int e = _slots[slot] - 1;
            if (_hashes[e] == hash && Id(e).SequenceEqual(id))
            {
                grade = _grades[e];
                return true;
            }
        }

        grade = 0;
        return false;
    }

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out int value)
    {
        byte[]? rented = null;
        Span<byte> buffer = key.Length <= 128 ? stackalloc byte[384] : (rented = ArrayPool<byte>.Shared.Rent(key.Length * 3));
        try
        {
            // An id that is not valid Unicode is judged nowhere: every stored id is.
            value = 0;
            return Utf8.FromUtf16(key, buffer, out _, out int length, replaceInvalidSequences: false) == OperationStatus.Done
                && TryGetValue(buffer[..length], out value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, int>> GetEnumerator()
    {
        string[] keys = KeyArray();
        for (int i = 0; i < keys.Length; i++)
        {
            yield return new KeyValuePair<string, int>(keys[i], _grades[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ReadOnlySpan<byte> Id(int e) => _ids[e];

    private string[] KeyArray()
    {
        if (_keys is { } keys)
        {
            return keys;
        }

        keys = new string[Count];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = Encoding.UTF8.GetString(Id(i));
        }

        return _keys = keys;
    }

    private void Rehash(int size)
    {
        _slots = new int[size];
        int mask = size - 1;
        for (int e = 0; e < Count; e++)
        {
            int slot = _hashes[e] & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = e + 1;
        }
    }
}
