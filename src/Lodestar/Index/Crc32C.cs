using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lodestar.Index;

/// <summary>CRC-32C (Castagnoli), through the processor's CRC instruction where there is one
/// (<see cref="BitOperations.Crc32C(uint, ulong)"/>; SSE 4.2 on x64, CRC32 on Arm64).</summary>
/// <remarks>
/// The instruction has a latency of three cycles and a throughput of one, so one chain of it over a buffer runs at a
/// third of the processor's speed. A buffer of at least <see cref="InterleaveBytes"/> bytes is therefore cut into
/// three equal runs of 8-byte words whose CRCs are computed in one loop as three independent chains, then combined:
/// the CRC register is linear over GF(2), so the state after A‖B is (state after A)·x^(8|B|) mod P, XOR the state
/// after B started from 0 (zlib's <c>crc32_combine</c>). The result is the same CRC, bit for bit.
/// </remarks>
internal static class Crc32C
{
    /// <summary>The buffer length from which three interleaved chains are used.</summary>
    internal const int InterleaveBytes = 3 * 256;

    // the reflected CRC-32C polynomial; in this representation bit 31 is x^0
    private const uint Polynomial = 0x82F63B78;
    private const uint One = 0x80000000;

    // the combining factors for the runs of full blocks of both sizes, computed once: (run bytes, x^(8·run), x^(16·run))
    private static readonly (int Run, uint Shift1, uint Shift2)[] BlockRuns = [Factors(BlockFile.BlockSize), Factors(BlockFile.SmallBlockSize)];

    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF, as iSCSI and ext4 use it).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(uint.MaxValue, data);

    /// <summary>The CRC register after <paramref name="data"/>, from <paramref name="crc"/>, one chain.</summary>
    internal static uint UpdateSerial(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong w in words)
        {
            crc = BitOperations.Crc32C(crc, w);
        }

        foreach (byte b in data[(words.Length * 8)..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        if (data.Length < InterleaveBytes)
        {
            return UpdateSerial(crc, data);
        }

        ReadOnlySpan<ulong> all = MemoryMarshal.Cast<byte, ulong>(data);
        int n = all.Length / 3; // words per chain
        ref ulong w = ref MemoryMarshal.GetReference(all);
        uint ca = crc, cb = 0, cc = 0;
        for (int i = 0; i < n; i++)
        {
            ca = BitOperations.Crc32C(ca, Unsafe.Add(ref w, i));
            cb = BitOperations.Crc32C(cb, Unsafe.Add(ref w, i + n));
            cc = BitOperations.Crc32C(cc, Unsafe.Add(ref w, i + (2 * n)));
        }

        int run = n * 8;
        (uint shift1, uint shift2) = run == BlockRuns[0].Run ? (BlockRuns[0].Shift1, BlockRuns[0].Shift2)
            : run == BlockRuns[1].Run ? (BlockRuns[1].Shift1, BlockRuns[1].Shift2) : (ShiftOf(run), ShiftOf(2L * run));
        crc = MultiplyModP(ca, shift2) ^ MultiplyModP(cb, shift1) ^ cc;
        return UpdateSerial(crc, data[(3 * run)..]);
    }

    private static (int Run, uint Shift1, uint Shift2) Factors(int blockBytes)
    {
        int run = blockBytes / 24 * 8;
        return (run, ShiftOf(run), ShiftOf(2L * run));
    }

    /// <summary>x^(8·<paramref name="bytes"/>) mod P: what shifting a CRC register over that many zero bytes multiplies it by.</summary>
    internal static uint ShiftOf(long bytes)
    {
        uint result = One;
        uint power = One >> 8; // x^8
        for (long n = bytes; n != 0; n >>= 1)
        {
            if ((n & 1) != 0)
            {
                result = MultiplyModP(result, power);
            }

            power = MultiplyModP(power, power);
        }

        return result;
    }

    /// <summary>a·b mod P in the reflected representation (bit 31 is x^0).</summary>
    internal static uint MultiplyModP(uint a, uint b)
    {
        uint product = 0;
        for (uint m = One; m != 0; m >>= 1)
        {
            if ((a & m) != 0)
            {
                product ^= b;
            }

            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }

        return product;
    }
}
