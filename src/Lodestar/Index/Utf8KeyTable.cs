using System.Numerics;
using System.Runtime.CompilerServices;

namespace Lodestar.Index;

/// <summary>
/// An open-addressing hash table from UTF-8 keys to int values, for the build's vocabulary. Keys are copied into byte pages and entries live in one array of structs: no object per
/// key, so millions of keys add nothing for the garbage collector to trace. Memory: the keys' bytes plus about 32
/// bytes per key; the slot table is kept at most half full (linear probing).
/// </summary>
/// <remarks>
/// Each slot holds the entry's number and the high 32 bits of its key's hash, so a probe reads the key's entry and
/// bytes only when those bits match: about three cache lines per lookup (slot, entry, bytes) in a table too large for
/// the cache. Not thread-safe. Hashes are <see cref="Utf8Hash"/>; the bytes are compared on every tag match.
/// </remarks>
/// <param name="pageBytes">Bytes per page of keys.</param>
/// <param name="capacity">Keys expected: the tables start that large, so that they need not grow (a guess is fine).</param>
internal sealed class Utf8KeyTable(int pageBytes, int capacity = 2048)
{
    private const ulong TagMask = 0xFFFF_FFFF_0000_0000;

    private readonly List<byte[]> _pages = [];
    private int _pageUsed;
    private ulong[] _slots = new ulong[Math.Max(16, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, capacity) * 2))]; // tag | entry + 1; 0 = empty
    private Entry[] _entries = new Entry[Math.Max(8, capacity)];
    private int _count;

    /// <summary>The entry holding <paramref name="key"/>, or -1 with <paramref name="slot"/> where
    /// <see cref="Add"/> would put it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(ReadOnlySpan<byte> key, ulong hash, out int slot)
    {
        ulong[] slots = _slots;
        int mask = slots.Length - 1;
        ulong tag = hash & TagMask;
        for (slot = (int)hash & mask; slots[slot] != 0; slot = (slot + 1) & mask)
        {
            ulong s = slots[slot];
            if ((s & TagMask) == tag)
            {
                int entry = (int)(uint)s - 1;
                if (key.SequenceEqual(Key(entry)))
                {
                    return entry;
                }
            }
        }

        return -1;
    }

    /// <summary>The value of an entry.</summary>
    public int Value(int entry) => _entries[entry].Value;

    /// <summary>Adds a key that <see cref="Find"/> did not find, at the slot it gave.</summary>
    public void Add(int slot, ulong hash, ReadOnlySpan<byte> key, int value)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
        }

        if (_pages.Count == 0 || _pageUsed + key.Length > _pages[^1].Length)
        {
            _pages.Add(new byte[Math.Max(pageBytes, key.Length)]);
            _pageUsed = 0;
        }

        key.CopyTo(_pages[^1].AsSpan(_pageUsed));
        _entries[_count] = new Entry(_pages.Count - 1, _pageUsed, key.Length, value);
        _pageUsed += key.Length;
        _slots[slot] = (hash & TagMask) | (uint)++_count;
        if (_count * 2 > _slots.Length)
        {
            Rehash();
        }
    }

    /// <summary>The key of an entry (entries are numbered in the order they were added).</summary>
    public ReadOnlySpan<byte> Key(int entry)
    {
        ref Entry e = ref _entries[entry];
        return new ReadOnlySpan<byte>(_pages[e.Page], e.Offset, e.Length);
    }

    /// <summary>Doubles the slot table; the hashes are recomputed from the keys (a rare, O(keys) step).</summary>
    private void Rehash()
    {
        var slots = new ulong[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int e = 0; e < _count; e++)
        {
            ulong hash = Utf8Hash.Of(Key(e));
            int i = (int)hash & mask;
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = (hash & TagMask) | (uint)(e + 1);
        }

        _slots = slots;
    }

    /// <summary>Where a key's bytes are (page, offset), their length, and the key's value.</summary>
    private readonly record struct Entry(int Page, int Offset, int Length, int Value);
}
