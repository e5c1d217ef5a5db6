using System.Numerics;
using System.Runtime.InteropServices;

namespace Lodestar.Index;

/// <summary>CRC-32C (Castagnoli), through the processor's CRC instruction where there is one
/// (<see cref="BitOperations.Crc32C(uint, ulong)"/>; SSE 4.2 on x64, CRC32 on Arm64).</summary>
internal static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF, as iSCSI and ext4 use it).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong w in words)
        {
            crc = BitOperations.Crc32C(crc, w);
        }

        foreach (byte b in data[(words.Length * 8)..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
