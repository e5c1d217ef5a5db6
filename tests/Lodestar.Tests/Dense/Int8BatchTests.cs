using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Lodestar.Dense;

namespace Lodestar.Tests;

/// <summary>
/// The batched int8 scan piece by piece against scalar models: the tile paths (VNNI, inline, pair by pair) at the
/// byte extremes, the 512-bit and 4-wide epilogues against a <see cref="RowHeap"/> fed every score, the candidate buffer
/// against a heap (ties, ±0), and the row-ordered rescoring against rescoring query by query.
/// </summary>
public sealed unsafe class Int8BatchTests
{
    private static int ScalarDot(sbyte[] rows, int row, sbyte[] queries, int query, int d, int stride)
    {
        int s = 0;
        for (int i = 0; i < d; i++)
        {
            s += rows[(row * d) + i] * queries[(query * stride) + i];
        }

        return s;
    }

    [Theory]
    [InlineData(32, -128, 127)]
    [InlineData(32, -128, -127)]
    [InlineData(384, -128, -127)]
    [InlineData(384, 127, 127)]
    [InlineData(385, -128, 127)]
    [InlineData(385, 127, -127)]
    public void Every_tile_path_is_exact_at_the_byte_extremes(int d, int rowByte, int queryByte)
    {
        // |Σ| reaches d·128·127 (6.2 M at d = 385): vpdpbusd does not saturate and the sums stay far inside int32
        int stride = (d + 63) / 64 * 64;
        var rows = new sbyte[4 * d];
        var queries = new sbyte[4 * stride];
        var offsets = new byte[4 * stride];
        int opposite = rowByte < 0 ? 127 : -128;
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = (sbyte)(i % 5 == 0 ? opposite : rowByte); // mostly one extreme, every fifth the other
        }

        for (int j = 0; j < 4; j++)
        {
            for (int i = 0; i < d; i++)
            {
                queries[(j * stride) + i] = (sbyte)((i + j) % 3 == 0 ? -queryByte : queryByte);
            }

            Int8Kernel.Offset(queries.AsSpan(j * stride, d), offsets.AsSpan(j * stride, d));
        }

        var sums = new int[4];
        var vnni = new int[16];
        var pairs = new int[16];
        fixed (sbyte* r = rows)
        fixed (sbyte* q = queries)
        fixed (byte* o = offsets)
        fixed (int* s = sums)
        fixed (int* v = vnni)
        fixed (int* p = pairs)
        {
            Int8Kernel.RowSums(r, 4, d, s);
            Int8Kernel.ScoreTile(r, 4, d, s, q, o, stride, v);
            Int8Kernel.ScoreTilePairs(r, 4, d, q, stride, p);
            for (int j = 0; j < 4; j++)
            {
                for (int row = 0; row < 4; row++)
                {
                    int expected = ScalarDot(rows, row, queries, j, d, stride);
                    Assert.Equal(expected, vnni[(4 * j) + row]);
                    Assert.Equal(expected, pairs[(4 * j) + row]);
                }
            }

            if (Int8Kernel.Vnni && Vector512.IsHardwareAccelerated && d % 32 == 0)
            {
                Vector512<int> raw = Int8Kernel.Tile(r, r + d, r + (2 * d), r + (3 * d), d, o, stride);
                for (int lane = 0; lane < 16; lane++)
                {
                    Assert.Equal(ScalarDot(rows, lane & 3, queries, lane >> 2, d, stride), raw[lane] - (128 * sums[lane & 3]));
                }
            }
        }
    }

    [Theory]
    [InlineData(96, 1_501, 13, 7)]
    [InlineData(385, 1_203, 6, 30)]
    [InlineData(64, 700, 5, 700)]
    public void Both_epilogues_keep_what_a_heap_fed_every_score_keeps(int d, int n, int count, int capacity)
    {
        var random = new Random(d + n);
        int stride = (d + 63) / 64 * 64, padded = (count + 3) / 4 * 4;
        var rows = new sbyte[n * d];
        random.NextBytes((byte[])(Array)rows); // the whole byte range, -128 included
        Array.Copy(rows, 0, rows, 600 * d, d); // row 600 repeats row 0: a tie the lower row wins
        var scales = new float[n];
        for (int i = 0; i < n; i++)
        {
            scales[i] = (float)(0.5 + random.NextDouble());
        }

        scales[600] = scales[0];
        var queries = new sbyte[padded * stride];
        var offsets = new byte[padded * stride];
        var queryScales = new float[count];
        for (int j = 0; j < count; j++)
        {
            for (int i = 0; i < d; i++)
            {
                queries[(j * stride) + i] = (sbyte)random.Next(-127, 128);
            }

            Int8Kernel.Offset(queries.AsSpan(j * stride, d), offsets.AsSpan(j * stride, d));
            queryScales[j] = j == 1 ? 0 : (float)(0.5 + random.NextDouble()); // query 1 scores ±0 everywhere: all ties
        }

        var expected = new (int Row, float Score)[count][];
        for (int j = 0; j < count; j++)
        {
            var heap = new RowHeap(capacity);
            for (int row = 0; row < n; row++)
            {
                heap.Offer(row, ScalarDot(rows, row, queries, j, d, stride) * scales[row] * queryScales[j]);
            }

            expected[j] = heap.Sorted();
        }

        fixed (sbyte* r = rows)
        fixed (sbyte* q = queries)
        fixed (byte* o = offsets)
        {
            for (int wide = 0; wide < (Vector512.IsHardwareAccelerated ? 2 : 1); wide++)
            {
                using var buffer = new TopBuffer(count, capacity);
                if (wide == 1)
                {
                    FlatScan.Int8ManyWide(r, d, scales, q, o, stride, queryScales, 0, n, buffer);
                }
                else
                {
                    FlatScan.Int8ManyNarrow(r, d, scales, q, o, stride, queryScales, 0, n, buffer);
                }

                for (int j = 0; j < count; j++)
                {
                    Assert.Equal<(int, float)>(expected[j], buffer.Items(j).OrderByDescending(x => x.Score).ThenBy(x => x.Row));
                }
            }
        }

        Assert.Equal(Enumerable.Range(0, Math.Min(capacity, n)), expected[1].Select(h => h.Row)); // ±0 ties: lowest rows
    }

    [Fact]
    public void The_candidate_buffer_keeps_what_a_heap_keeps()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int capacity = random.Next(1, 40), n = random.Next(0, 600);
            float[] values = [-0f, 0f, 1f, 1f, 2f, -3f, 0.5f]; // few distinct values: ties everywhere, and −0 against +0
            using var buffer = new TopBuffer(2, capacity, slack: 2 + (trial % 3));
            var heap = new RowHeap(capacity);
            for (int row = 0; row < n; row++)
            {
                float score = trial % 2 == 0 ? values[random.Next(values.Length)] : (float)random.NextDouble();
                heap.Offer(row, score);
                if (score > buffer.Threshold(1))
                {
                    buffer.Offer(1, row, score);
                }
            }

            (int Row, float Score)[] kept = [.. buffer.Items(1).OrderByDescending(x => x.Score).ThenBy(x => x.Row)];
            Assert.Equal(heap.Sorted().Select(h => h.Row), kept.Select(h => h.Row));
            // bit for bit, except that the buffer keeps −0 as +0 (they tie in the kept order)
            Assert.Equal(heap.Sorted().Select(h => h.Score == 0 ? 0 : BitConverter.SingleToInt32Bits(h.Score)), kept.Select(h => BitConverter.SingleToInt32Bits(h.Score)));
            Assert.Empty(buffer.Items(0));
        }
    }

    [Fact]
    public void Rescoring_by_row_equals_rescoring_query_by_query()
    {
        var random = new Random(3);
        int n = 3_000, d = 385, k = 5;
        float[] vectors = [.. Enumerable.Range(0, n * d).Select(_ => (float)(random.NextDouble() - 0.5))];
        Array.Copy(vectors, 0, vectors, 2_999 * d, d); // row 2999 repeats row 0: tied scores
        List<float[]> queries = [.. Enumerable.Range(0, 9).Select(_ => Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray())];
        int[][] candidates = [.. queries.Select((_, j) => Enumerable.Range(0, n).Where(row => row == 0 || row == 2_999 || random.Next(10) == 0).ToArray())];
        fixed (float* v = vectors)
        {
            // the candidates laid out as the batched search lays them out: query j's at j · stride, counts[j] of them
            int stride = candidates.Max(c => c.Length);
            var rows = new int[candidates.Length * stride];
            for (int j = 0; j < candidates.Length; j++)
            {
                candidates[j].CopyTo(rows, j * stride);
            }

            (int Row, float Score)[][] byRow = Rescoring.TopK(v, n, d, queries, rows, stride, [.. candidates.Select(c => c.Length)], k, threads: 2);
            for (int j = 0; j < queries.Count; j++)
            {
                var heap = new RowHeap(k);
                foreach (int row in candidates[j].Reverse())
                {
                    heap.Offer(row, TensorPrimitives.Dot(vectors.AsSpan(row * d, d), queries[j]));
                }

                Assert.Equal(heap.Sorted(), byRow[j]);
            }
        }
    }

    [Theory]
    [InlineData(385, 1)]
    [InlineData(385, 2)]
    [InlineData(31, 2)]
    public void Batched_int8_equals_one_query_at_a_time_off_the_tile(int d, int threads)
    {
        var random = new Random(d);
        using var temp = new TempDir();
        string dir = temp.Path;
        string path = Path.Combine(dir, "v");
        float[][] docs = TestVectors.Unit(random, 9_001, d);
        TestVectors.Write(path, docs, int8: true);

        using VectorIndex index = VectorIndex.Open(path);
        float[][] queries = [.. TestVectors.Unit(random, 13, d), new float[d]]; // 14: not a multiple of the tile, and a zero query
        (int Row, float Score)[][] many = index.SearchManyInt8(queries, 10, rescore: 7, threads: threads);
        for (int j = 0; j < queries.Length; j++)
        {
            Assert.Equal(index.Search(queries[j], 10, Precision.Int8, rescore: 7, threads: threads), many[j]);
        }

        // Later calls reuse the candidate buffers (same shape) and pooled rescoring arrays: other queries, then the
        // first ones again, on both kernels, give what the first call gave.
        float[][] others = [.. TestVectors.Unit(random, 14, d)];
        (int Row, float Score)[][] otherMany = index.SearchManyInt8(others, 10, rescore: 7, threads: threads);
        Assert.Equal(index.Search(others[5], 10, Precision.Int8, rescore: 7, threads: threads), otherMany[5]);
        Assert.Equal(many, index.SearchManyInt8(queries, 10, rescore: 7, threads: threads));
        Assert.Equal(many, index.SearchManyInt8(queries, 10, rescore: 7, threads: threads, managed: true));
        Assert.Equal(many[..3], index.SearchManyInt8(queries[..3], 10, rescore: 7, threads: threads)); // another shape
    }
}
