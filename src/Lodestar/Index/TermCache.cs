using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Lodestar.Index;

/// <summary>
/// One build worker's private front to the shared <see cref="Vocabulary"/>: an open-addressing table from the UTF-8
/// bytes of the terms this worker has met to their ids, with no locks and no strings. A miss asks the vocabulary once;
/// afterwards the term costs one hash and one byte comparison. Most tokens of a corpus repeat earlier ones, so the
/// shared dictionary is reached about once per distinct term per worker.
/// </summary>
/// <remarks>Not thread-safe: one per worker. Memory: the distinct terms the worker has seen, about 30 bytes each.</remarks>
internal sealed class TermCache(Vocabulary vocabulary)
{
    private int[] _slots = new int[1 << 15]; // entry + 1; 0 = empty
    private ulong[] _hashes = new ulong[1 << 14];
    private int[] _ids = new int[1 << 14];
    private int[] _offsets = new int[1 << 14];
    private int[] _lengths = new int[1 << 14];
    private byte[] _arena = new byte[1 << 17];
    private int _count, _used;

    /// <summary>The id of a term given as UTF-8 bytes, adding it to the vocabulary if new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int GetOrAdd(ReadOnlySpan<byte> term)
    {
        ulong hash = Hash(term);
        int mask = _slots.Length - 1;
        for (int i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            int entry = _slots[i] - 1;
            if (entry < 0)
            {
                int id = vocabulary.GetOrAdd(term);
                Insert(i, hash, term, id);
                return id;
            }

            if (_hashes[entry] == hash && term.SequenceEqual(new ReadOnlySpan<byte>(_arena, _offsets[entry], _lengths[entry])))
            {
                return _ids[entry];
            }
        }
    }

    /// <summary>The id of a term given as characters (analyzer output), encoded on the stack.</summary>
    public int GetOrAdd(ReadOnlySpan<char> term)
    {
        int max = Encoding.UTF8.GetMaxByteCount(term.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(term, utf8);
        return GetOrAdd((ReadOnlySpan<byte>)utf8[..n]);
    }

    private void Insert(int slot, ulong hash, ReadOnlySpan<byte> term, int id)
    {
        if (_count == _hashes.Length)
        {
            Array.Resize(ref _hashes, _count * 2);
            Array.Resize(ref _ids, _count * 2);
            Array.Resize(ref _offsets, _count * 2);
            Array.Resize(ref _lengths, _count * 2);
        }

        if (_used + term.Length > _arena.Length)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _used + term.Length));
        }

        term.CopyTo(_arena.AsSpan(_used));
        _hashes[_count] = hash;
        _ids[_count] = id;
        _offsets[_count] = _used;
        _lengths[_count] = term.Length;
        _used += term.Length;
        _slots[slot] = ++_count;
        if (_count * 2 > _slots.Length)
        {
            Rehash();
        }
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

    /// <summary>A multiply-xorshift hash over 8-byte words (the tail zero-padded), seeded with the length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong K = 0x9E3779B97F4A7C15;
        ulong h = (ulong)bytes.Length * K;
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..])) * K;
            h ^= h >> 29;
        }

        if (i < bytes.Length)
        {
            ulong tail = 0;
            for (int j = bytes.Length - 1; j >= i; j--)
            {
                tail = (tail << 8) | bytes[j];
            }

            h = (h ^ tail) * K;
            h ^= h >> 29;
        }

        return h ^ (h >> 32);
    }
}
