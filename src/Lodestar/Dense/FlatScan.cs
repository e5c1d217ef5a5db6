using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Lodestar.Dense;

/// <summary>
/// The per-thread loops of the flat scan over one row range: one query (memory-bound, 4 rows per step) and many
/// queries (cache-blocked: a block of rows stays in L2 while every query tile passes over it, each tile scored by the
/// register-blocked kernels), offering each query's scores to its own bounded heap.
/// </summary>
/// <remarks>
/// Rows reach each heap in ascending order, and <see cref="RowHeap"/> breaks ties by the lower row, so the kept set
/// does not depend on blocking or threads.
/// </remarks>
internal static unsafe class FlatScan
{
    /// <summary>Float32 rows per cache block: 128 rows of 384 floats are 192 KiB, well inside a 512 KiB L2.</summary>
    public const int Float32BlockRows = 128;

    /// <summary>Int8 rows per cache block (a quarter of the bytes per row).</summary>
    public const int Int8BlockRows = 512;

    /// <summary>Queries copied to an aligned buffer, each zero-padded to <paramref name="stride"/> floats, the count
    /// rounded up to a whole query tile (the padding queries score 0 and are never offered).</summary>
    public static float* PackFloat32(IReadOnlyList<float[]> queries, int d, out int stride)
    {
        stride = (d + Float32Kernel.Lanes - 1) / Float32Kernel.Lanes * Float32Kernel.Lanes;
        int count = (queries.Count + Float32Kernel.QueryTile - 1) / Float32Kernel.QueryTile * Float32Kernel.QueryTile;
        nuint bytes = (nuint)((long)count * stride * sizeof(float));
        float* packed = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        NativeMemory.Clear(packed, bytes);
        for (int j = 0; j < queries.Count; j++)
        {
            queries[j].AsSpan().CopyTo(new Span<float>(packed + ((long)j * stride), d));
        }

        return packed;
    }

    /// <summary>One query against rows [start, end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Float32(float* rows, int d, float* query, int start, int end, RowHeap heap)
    {
        float* scores = stackalloc float[4];
        for (int row = start; row < end; row += 4)
        {
            int n = Math.Min(4, end - row);
            Float32Kernel.Score4(rows + ((long)row * d), n, d, query, scores);
            float threshold = heap.Threshold;
            for (int r = 0; r < n; r++)
            {
                if (scores[r] > threshold)
                {
                    heap.Offer(row + r, scores[r]);
                    threshold = heap.Threshold;
                }
            }
        }
    }

    /// <summary>Every packed query against rows [start, end); <paramref name="heaps"/> has one heap per real query.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Float32Many(float* rows, int d, float* queries, int stride, int start, int end, RowHeap[] heaps)
    {
        int count = heaps.Length;
        var thresholds = new float[count + Float32Kernel.QueryTile];
        for (int j = 0; j < thresholds.Length; j++)
        {
            thresholds[j] = j < count ? heaps[j].Threshold : float.PositiveInfinity;
        }

        float* scores = stackalloc float[16];
        for (int block = start; block < end; block += Float32BlockRows)
        {
            int blockEnd = Math.Min(end, block + Float32BlockRows);
            for (int q = 0; q < count; q += Float32Kernel.QueryTile)
            {
                float* tile = queries + ((long)q * stride);
                for (int row = block; row < blockEnd; row += 4)
                {
                    int n = Math.Min(4, blockEnd - row);
                    Float32Kernel.ScoreTile(rows + ((long)row * d), n, d, tile, stride, scores);
                    for (int j = 0; j < Float32Kernel.QueryTile; j++)
                    {
                        uint above = Vector128.GreaterThan(Vector128.Load(scores + (4 * j)), Vector128.Create(thresholds[q + j])).ExtractMostSignificantBits()
                            & ((1u << n) - 1);
                        if (above != 0)
                        {
                            Offer(heaps[q + j], ref thresholds[q + j], row, scores + (4 * j), above);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Every query (signed bytes and the <c>q + 128</c> bytes, tile-padded) against int8 rows [start, end),
    /// scored as <c>Σq·r · scale[row] · queryScale</c> like the one-query scan.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Int8Many(sbyte* rows, int d, float[] scales, sbyte* queries, byte* offsets, int stride, float[] queryScales,
        int start, int end, RowHeap[] heaps)
    {
        int count = heaps.Length;
        var thresholds = new float[count + Int8Kernel.QueryTile];
        for (int j = 0; j < thresholds.Length; j++)
        {
            thresholds[j] = j < count ? heaps[j].Threshold : float.PositiveInfinity;
        }

        int* dots = stackalloc int[16];
        float* scores = stackalloc float[4];
        int* sums = stackalloc int[Int8BlockRows + 4];
        for (int block = start; block < end; block += Int8BlockRows)
        {
            int blockEnd = Math.Min(end, block + Int8BlockRows);
            Int8Kernel.RowSums(rows + ((long)block * d), blockEnd - block, d, sums);
            for (int q = 0; q < count; q += Int8Kernel.QueryTile)
            {
                for (int row = block; row < blockEnd; row += 4)
                {
                    int n = Math.Min(4, blockEnd - row);
                    int* rowSums = sums + (row - block);
                    for (int r = n; r < 4; r++)
                    {
                        rowSums[r] = rowSums[0];
                    }

                    Int8Kernel.ScoreTile(rows + ((long)row * d), n, d, rowSums, queries + ((long)q * stride), offsets + ((long)q * stride), stride, dots);
                    for (int j = 0; j < Int8Kernel.QueryTile; j++)
                    {
                        float qScale = q + j < count ? queryScales[q + j] : 0;
                        if (n == 4)
                        {
                            // the same float operations, in the same order, as the one-query scan's dot · scale · qScale
                            (Vector128.ConvertToSingle(Vector128.Load(dots + (4 * j))) * Vector128.Create(scales.AsSpan(row, 4))
                                * qScale).Store(scores);
                        }
                        else
                        {
                            for (int r = 0; r < n; r++)
                            {
                                scores[r] = dots[(4 * j) + r] * scales[row + r] * qScale;
                            }
                        }

                        uint above = Vector128.GreaterThan(Vector128.Load(scores), Vector128.Create(thresholds[q + j])).ExtractMostSignificantBits()
                            & ((1u << n) - 1);
                        if (above != 0)
                        {
                            Offer(heaps[q + j], ref thresholds[q + j], row, scores, above);
                        }
                    }
                }
            }
        }
    }

    private static void Offer(RowHeap heap, ref float threshold, int row, float* scores, uint above)
    {
        for (int r = 0; r < 4; r++)
        {
            if ((above & (1u << r)) != 0 && scores[r] > threshold)
            {
                heap.Offer(row + r, scores[r]);
                threshold = heap.Threshold;
            }
        }
    }
}
