using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Lodestar.Index;

/// <summary>
/// One build thread's private front to the shared <see cref="Vocabulary"/>: a fixed, direct-mapped cache from the
/// UTF-8 bytes of recent terms (up to 16 bytes, held in the slot itself) to their ids, with no locks, no strings and
/// one cache line per lookup. A miss, or a longer term, asks the vocabulary (one lock) and takes the slot. The cache
/// is 1.5 MiB whatever the vocabulary's size: the frequent terms, which make most tokens, stay in it.
/// </summary>
/// <remarks>Not thread-safe: one per thread.</remarks>
internal sealed class TermCache(Vocabulary vocabulary)
{
    private const int Bits = 16;
    private const int MaxKey = 16;

    private readonly Slot[] _slots = new Slot[1 << Bits];

    /// <summary>The id of a term given as UTF-8 bytes, adding it to the vocabulary if new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int GetOrAdd(ReadOnlySpan<byte> term)
    {
        if (term.Length > MaxKey)
        {
            return vocabulary.GetOrAdd(term);
        }

        (ulong a, ulong b) = Words(term);
        ulong h = ((a * 0x9E3779B97F4A7C15) ^ (b * 0xC2B2AE3D27D4EB4F) ^ (uint)term.Length) * 0x9E3779B97F4A7C15;
        ref Slot slot = ref _slots[(int)(h >> (64 - Bits))];
        if (slot.A == a && slot.B == b && slot.Length == term.Length + 1)
        {
            return slot.Id;
        }

        int id = vocabulary.GetOrAdd(term);
        slot = new Slot(a, b, term.Length + 1, id);
        return id;
    }

    /// <summary>Two words that, with the length, determine a key of at most 16 bytes (overlapping reads).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ulong A, ulong B) Words(ReadOnlySpan<byte> key)
    {
        int n = key.Length;
        if (n >= 8)
        {
            return (BinaryPrimitives.ReadUInt64LittleEndian(key), BinaryPrimitives.ReadUInt64LittleEndian(key[(n - 8)..]));
        }

        if (n >= 4)
        {
            return (BinaryPrimitives.ReadUInt32LittleEndian(key) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(key[(n - 4)..]) << 32), 0);
        }

        ulong a = 0;
        for (int i = 0; i < n; i++)
        {
            a |= (ulong)key[i] << (8 * i);
        }

        return (a, 0);
    }

    /// <summary>The id of a term given as characters (analyzer output), encoded on the stack.</summary>
    public int GetOrAdd(ReadOnlySpan<char> term)
    {
        int max = Encoding.UTF8.GetMaxByteCount(term.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(term, utf8);
        return GetOrAdd((ReadOnlySpan<byte>)utf8[..n]);
    }

    /// <summary>A cached key's words, its length plus one (0: empty slot) and its id.</summary>
    private readonly record struct Slot(ulong A, ulong B, int Length, int Id);
}
