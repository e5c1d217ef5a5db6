using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Lodestar.Index;

/// <summary>The build's hash for UTF-8 keys (terms, document ids): multiply-xorshift over 8-byte words, the tail
/// zero-padded, seeded with the length. Not for untrusted keys that could be chosen to collide; the tables that use it
/// compare the bytes on every hash match, so collisions cost time, never correctness.</summary>
internal static class Utf8Hash
{
    /// <summary>The 64-bit hash of <paramref name="bytes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ReadOnlySpan<byte> bytes)
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
