using System.Runtime.CompilerServices;

namespace Lodestar.Index;

/// <summary>
/// An open-addressing hash table from UTF-8 keys to 64-bit values, for the build's hot lookups (a worker's terms, the
/// writer's document ids). Keys are copied into byte pages, and entries live in parallel arrays: no object per key,
/// so millions of keys add nothing for the garbage collector to trace. Memory: the keys' bytes plus about 36 bytes
/// per key; the slot table is kept at most half full (linear probing).
/// </summary>
/// <remarks>Not thread-safe. Lookups hash with <see cref="Utf8Hash"/> and compare the bytes on every hash match.</remarks>
internal sealed class Utf8KeyTable(int pageBytes)
{
    private readonly List<byte[]> _pages = [];
    private int _pageUsed;
    private int[] _slots = new int[1 << 12]; // entry + 1; 0 = empty
    private ulong[] _hashes = new ulong[1 << 11];
    private long[] _locations = new long[1 << 11]; // page << 32 | offset
    private int[] _lengths = new int[1 << 11];
    private long[] _values = new long[1 << 11];
    private int _count;

    /// <summary>The entry holding <paramref name="key"/>, or -1 with <paramref name="slot"/> where
    /// <see cref="Add"/> would put it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Find(ReadOnlySpan<byte> key, ulong hash, out int slot)
    {
        int mask = _slots.Length - 1;
        for (slot = (int)hash & mask; _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            int entry = _slots[slot] - 1;
            if (_hashes[entry] == hash && key.SequenceEqual(Key(entry)))
            {
                return entry;
            }
        }

        return -1;
    }

    /// <summary>The value of an entry.</summary>
    public long Value(int entry) => _values[entry];

    /// <summary>Adds a key that <see cref="Find"/> did not find, at the slot it gave.</summary>
    public void Add(int slot, ulong hash, ReadOnlySpan<byte> key, long value)
    {
        if (_count == _hashes.Length)
        {
            Array.Resize(ref _hashes, _count * 2);
            Array.Resize(ref _locations, _count * 2);
            Array.Resize(ref _lengths, _count * 2);
            Array.Resize(ref _values, _count * 2);
        }

        if (_pages.Count == 0 || _pageUsed + key.Length > _pages[^1].Length)
        {
            _pages.Add(new byte[Math.Max(pageBytes, key.Length)]);
            _pageUsed = 0;
        }

        key.CopyTo(_pages[^1].AsSpan(_pageUsed));
        _hashes[_count] = hash;
        _locations[_count] = ((long)(_pages.Count - 1) << 32) | (uint)_pageUsed;
        _lengths[_count] = key.Length;
        _values[_count] = value;
        _pageUsed += key.Length;
        _slots[slot] = ++_count;
        if (_count * 2 > _slots.Length)
        {
            Rehash();
        }
    }

    private ReadOnlySpan<byte> Key(int entry)
    {
        long at = _locations[entry];
        return new ReadOnlySpan<byte>(_pages[(int)(at >> 32)], (int)at, _lengths[entry]);
    }

    private void Rehash()
    {
        var slots = new int[_slots.Length * 2];
        int mask = slots.Length - 1;
        for (int e = 0; e < _count; e++)
        {
            int i = (int)_hashes[e] & mask;
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = e + 1;
        }

        _slots = slots;
    }
}
