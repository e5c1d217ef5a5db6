using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lodestar.Dense;

/// <summary>
/// The per-thread loop of the batched int8 scan on a registered <see cref="Int8BatchKernel"/>: each block of the
/// thread's rows is packed once by the thread, then scored against the thread's queries by the kernel, whose candidates (each query's rows ascending) are
/// offered to the thread's <see cref="TopBuffer"/> as in <see cref="FlatScan.Int8Many"/>, so the kept sets are the same.
/// </summary>
/// <remarks>
/// The kernel compares with the thresholds as they were when its call began; a threshold raised during the call only
/// means some candidates arrive that the buffer then rejects (each is checked again here before it is offered).
/// </remarks>
internal static unsafe class AcceleratedScan
{
    /// <summary>Rows packed and scanned per block (192 KiB at d = 384: the block stays in L2, a 64-row tile in L1).</summary>
    public const int BlockRows = 512;

    /// <summary>Candidates per kernel call.</summary>
    private const int Capacity = 8192;

    /// <summary>Every query (int8, <paramref name="stride"/> bytes apart, with its Σq in <paramref name="sums"/>)
    /// against int8 rows [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Int8Many(Int8BatchKernel kernel, sbyte* rows, int d, float[] scales, sbyte* queries, int stride, int* sums,
        float[] queryScales, int start, int end, TopBuffer heaps)
    {
        int count = heaps.Count;
        int capacity = Math.Max(Capacity, BlockRows * 16);
        byte* packed = (byte*)NativeMemory.AlignedAlloc((nuint)kernel.PackedBytes(BlockRows, d), 64);
        var candidates = (Int8Candidate*)NativeMemory.AlignedAlloc((nuint)(capacity * sizeof(Int8Candidate)), 64);
        float* thresholds = (float*)NativeMemory.AlignedAlloc((nuint)(count * sizeof(float)), 64);
        try
        {
            for (int j = 0; j < count; j++)
            {
                thresholds[j] = heaps.Threshold(j);
            }

            fixed (float* rowScales = scales, queryScale = queryScales)
            {
                for (int block = start; block < end; block += BlockRows)
                {
                    int n = Math.Min(BlockRows, end - block);
                    kernel.Pack(rows + ((long)block * d), n, d, packed);
                    int next = 0;
                    while (next < count)
                    {
                        int before = next;
                        int found = kernel.Scan(packed, n, d, block, rowScales + block, queries, stride, sums, queryScale, thresholds, ref next, count,
                            candidates, capacity);
                        if (next <= before)
                        {
                            throw new InvalidOperationException($"{kernel.Name}: the int8 kernel scanned no queries");
                        }

                        for (int i = 0; i < found; i++)
                        {
                            Int8Candidate c = candidates[i];
                            if (c.Score > thresholds[c.Query] && heaps.Offer(c.Query, c.Row, c.Score))
                            {
                                thresholds[c.Query] = heaps.Threshold(c.Query);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
            NativeMemory.AlignedFree(candidates);
            NativeMemory.AlignedFree(thresholds);
        }
    }
}
