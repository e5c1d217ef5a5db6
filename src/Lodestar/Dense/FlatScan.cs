using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lodestar.Dense;

/// <summary>
/// The per-thread loops of the flat scan over one row range: one query (memory-bound, 4 rows per step) and many
/// queries (cache-blocked: a block of rows stays in L2 while every query tile passes over it, each tile scored by the
/// register-blocked kernels), offering each query's scores to its own bounded heap (float32) or candidate buffer
/// (int8, <see cref="TopBuffer"/>).
/// </summary>
/// <remarks>
/// Rows reach each heap in ascending order, and <see cref="RowHeap"/> and <see cref="TopBuffer"/> break ties by the
/// lower row, so the kept set does not depend on blocking or threads.
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
    public static void Int8Many(sbyte* rows, int d, float[] scales, sbyte* queries, byte* offsets, int stride, float[] queryScales,
        int start, int end, TopBuffer heaps)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Int8ManyWide(rows, d, scales, queries, offsets, stride, queryScales, start, end, heaps);
        }
        else
        {
            Int8ManyNarrow(rows, d, scales, queries, offsets, stride, queryScales, start, end, heaps);
        }
    }

    /// <summary>
    /// <see cref="Int8Many"/> with the 16 scores of a tile scaled and compared in one 512-bit step: per query tile the
    /// query scales and thresholds are kept four times over (one copy per row of the tile), so a tile with nothing above
    /// its thresholds costs one convert, two multiplies and one compare. The float operations per score are those of
    /// the one-query scan (<c>(dot · scale) · queryScale</c>), so the scores are bit-identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Int8ManyWide(sbyte* rows, int d, float[] scales, sbyte* queries, byte* offsets, int stride, float[] queryScales,
        int start, int end, TopBuffer heaps)
    {
        int count = heaps.Count, padded = (count + Int8Kernel.QueryTile - 1) / Int8Kernel.QueryTile * Int8Kernel.QueryTile;
        nuint bytes = (nuint)(padded * 4 * sizeof(float));
        float* thresholds = (float*)NativeMemory.AlignedAlloc(bytes, 64), queryScale = (float*)NativeMemory.AlignedAlloc(bytes, 64);
        try
        {
            for (int j = 0; j < padded; j++)
            {
                Vector128.Create(j < count ? heaps.Threshold(j) : float.PositiveInfinity).Store(thresholds + (4 * j));
                Vector128.Create(j < count ? queryScales[j] : 0).Store(queryScale + (4 * j));
            }

            bool whole = Int8Kernel.Vnni && d % 32 == 0; // the VNNI tile inline; else the general one with its tail
            int* dots = stackalloc int[16];
            float* scores = stackalloc float[16];
            float* partial = stackalloc float[4];
            int* sums = stackalloc int[Int8BlockRows + 4];
            fixed (float* rowScales = scales)
            {
                for (int block = start; block < end; block += Int8BlockRows)
                {
                    int blockEnd = Math.Min(end, block + Int8BlockRows);
                    Int8Kernel.RowSums(rows + ((long)block * d), blockEnd - block, d, sums);
                    for (int r = blockEnd - block; r < Int8BlockRows + 4; r++)
                    {
                        sums[r] = sums[0];
                    }

                    for (int q = 0; q < count; q += Int8Kernel.QueryTile)
                    {
                        heaps.Prefetch(q + Int8Kernel.QueryTile, Int8Kernel.QueryTile);
                        Vector512<float> qScale = Vector512.Load(queryScale + (4 * q));
                        sbyte* tile = queries + ((long)q * stride);
                        byte* offset = offsets + ((long)q * stride);
                        for (int row = block; row < blockEnd; row += 4)
                        {
                            int n = Math.Min(4, blockEnd - row);
                            sbyte* r0 = rows + ((long)row * d);
                            Vector512<int> dot;
                            if (whole)
                            {
                                sbyte* r1 = r0 + (n > 1 ? d : 0), r2 = r0 + (n > 2 ? 2 * d : 0), r3 = r0 + (n > 3 ? 3 * d : 0);
                                dot = Int8Kernel.Tile(r0, r1, r2, r3, d, offset, stride) - (Avx512F.BroadcastVector128ToVector512(sums + (row - block)) << 7);
                            }
                            else
                            {
                                Int8Kernel.ScoreTile(r0, n, d, sums + (row - block), tile, offset, stride, dots);
                                dot = Vector512.Load(dots);
                            }

                            float* rowScale = rowScales + row;
                            uint valid = 0xFFFF;
                            if (n < 4)
                            {
                                for (int r = 0; r < 4; r++)
                                {
                                    partial[r] = r < n ? rowScales[row + r] : 0;
                                }

                                rowScale = partial;
                                valid = (1u << n) - 1;
                                valid |= (valid << 4) | (valid << 8) | (valid << 12);
                            }

                            Vector512<float> score = Vector512.ConvertToSingle(dot) * Avx512F.BroadcastVector128ToVector512(rowScale) * qScale;
                            uint above = (uint)Vector512.GreaterThan(score, Vector512.Load(thresholds + (4 * q))).ExtractMostSignificantBits() & valid;
                            if (above != 0)
                            {
                                score.Store(scores);
                                OfferWide(heaps, thresholds, q, row, scores, above);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(thresholds);
            NativeMemory.AlignedFree(queryScale);
        }
    }

    /// <summary>Offers the tile's scores flagged in <paramref name="above"/> (bit 4·j + r: row r, query j), rows
    /// ascending per query, and refreshes the four copies of each changed threshold.</summary>
    private static void OfferWide(TopBuffer heaps, float* thresholds, int q, int row, float* scores, uint above)
    {
        while (above != 0)
        {
            int bit = BitOperations.TrailingZeroCount(above);
            above &= above - 1;
            int j = bit >> 2;
            float* threshold = thresholds + (4 * (q + j));
            if (scores[bit] > *threshold)
            {
                if (heaps.Offer(q + j, row + (bit & 3), scores[bit]))
                {
                    Vector128.Create(heaps.Threshold(q + j)).Store(threshold);
                }
            }
        }
    }

    /// <summary><see cref="Int8Many"/> 4 scores at a time (no 512-bit vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Int8ManyNarrow(sbyte* rows, int d, float[] scales, sbyte* queries, byte* offsets, int stride, float[] queryScales,
        int start, int end, TopBuffer heaps)
    {
        int count = heaps.Count;
        var thresholds = new float[count + Int8Kernel.QueryTile];
        for (int j = 0; j < thresholds.Length; j++)
        {
            thresholds[j] = j < count ? heaps.Threshold(j) : float.PositiveInfinity;
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
                            Offer(heaps, q + j, ref thresholds[q + j], row, scores, above);
                        }
                    }
                }
            }
        }
    }

    private static void Offer(TopBuffer heaps, int j, ref float threshold, int row, float* scores, uint above)
    {
        for (int r = 0; r < 4; r++)
        {
            if ((above & (1u << r)) != 0 && scores[r] > threshold)
            {
                heaps.Offer(j, row + r, scores[r]);
                threshold = heaps.Threshold(j);
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
