using Lodestar.Dense;

namespace Lodestar.Tests;

/// <summary>
/// The register-blocked float32 and int8 kernels: their documented summation order, batched against one query at a
/// time (bit-identical), against a float64 reference, odd dimensions, row counts off the tile, k above n, and ties.
/// </summary>
public sealed class FlatKernelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-kernel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[][] Random(int count, int dim, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var v = new float[dim];
            for (int i = 0; i < dim; i++)
            {
                v[i] = (float)((random.NextDouble() * 2) - 1);
            }

            float norm = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        })];
    }

    private VectorIndex Open(float[][] vectors, bool int8 = false)
    {
        return VectorIndex.Open(TestVectors.Write(Path.Combine(_dir, $"v{Directory.GetDirectories(_dir).Length}"), vectors, int8));
    }

    /// <summary>The order the kernel documents, one float at a time.</summary>
    private static float ScalarInKernelOrder(float[] row, float[] query)
    {
        int lanes = Float32Kernel.Lanes, d = row.Length, body = d - (d % lanes);
        var acc = new float[lanes];
        for (int i = 0; i < body; i += lanes)
        {
            for (int l = 0; l < lanes; l++)
            {
                acc[l] = MathF.FusedMultiplyAdd(row[i + l], query[i + l], acc[l]);
            }
        }

        float[] f = lanes == 16 ? [.. Enumerable.Range(0, 8).Select(l => acc[l] + acc[l + 8])] : acc;
        float s = ((f[0] + f[1]) + (f[2] + f[3])) + ((f[4] + f[5]) + (f[6] + f[7]));
        for (int i = body; i < d; i++)
        {
            s = MathF.FusedMultiplyAdd(row[i], query[i], s);
        }

        return s;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(384)]
    [InlineData(385)]
    public unsafe void Every_path_computes_the_documented_order_bit_for_bit(int d)
    {
        float[][] rows = Random(7, d, d);
        float[][] queries = Random(4, d, d + 1);
        float[] flat = [.. rows.SelectMany(r => r)];
        float[] packed = [.. queries.SelectMany(q => q)];
        var tile = new float[16];
        var four = new float[4];
        fixed (float* r = flat)
        fixed (float* q = packed)
        fixed (float* s = tile)
        fixed (float* s4 = four)
        {
            for (int start = 0; start < rows.Length; start += 4)
            {
                int n = Math.Min(4, rows.Length - start);
                Float32Kernel.ScoreTile(r + (start * d), n, d, q, d, s);
                for (int j = 0; j < 4; j++)
                {
                    Float32Kernel.Score4(r + (start * d), n, d, q + (j * d), s4);
                    for (int i = 0; i < n; i++)
                    {
                        float expected = ScalarInKernelOrder(rows[start + i], queries[j]);
                        Assert.Equal(expected, tile[(4 * j) + i]);
                        Assert.Equal(expected, four[i]);
                        Assert.Equal(expected, Float32Kernel.Dot(r + ((start + i) * d), q + (j * d), d));
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(7, 9_001, 1)]
    [InlineData(384, 5_003, 1)]
    [InlineData(385, 9_001, 2)]
    public void Batched_equals_one_query_at_a_time_and_a_float64_reference(int d, int n, int threads)
    {
        float[][] docs = Random(n, d, 11);
        float[][] queries = Random(13, d, 12); // not a multiple of the 4-query tile
        using VectorIndex index = Open(docs);
        (int Row, float Score)[][] many = index.SearchMany(queries, 10, threads);
        for (int j = 0; j < queries.Length; j++)
        {
            Assert.Equal(index.Search(queries[j], 10, threads: threads), many[j]); // same rows, bit-identical scores
            var reference = docs.Select((v, row) => (Row: row, Score: v.Zip(queries[j]).Sum(p => (double)p.First * p.Second)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Row).Take(10).ToList();
            Assert.Equal(reference.Select(r => r.Row), many[j].Select(h => h.Row));
            Assert.All(many[j].Zip(reference), p => Assert.Equal(p.Second.Score, p.First.Score, 1e-5));
        }
    }

    [Fact]
    public void K_above_the_row_count_returns_every_row_sorted()
    {
        float[][] docs = Random(5, 385, 21);
        float[][] queries = Random(3, 385, 22);
        using VectorIndex index = Open(docs, int8: true);
        foreach ((int Row, float Score)[] hits in index.SearchMany(queries, 10).Concat(index.SearchManyInt8(queries, 10)))
        {
            Assert.Equal(5, hits.Length);
            Assert.Equal([0, 1, 2, 3, 4], hits.Select(h => h.Row).Order());
            Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Tied_scores_keep_the_lower_rows(int threads)
    {
        float[][] docs = Random(9_000, 48, 31);
        float[] target = docs[0];
        int[] copies = [17, 900, 4_500, 4_501, 8_999]; // across both threads' ranges
        foreach (int row in copies)
        {
            docs[row] = target;
        }

        using VectorIndex index = Open(docs, int8: true);
        (int Row, float Score)[] one = index.Search(target, 4, threads: threads);
        Assert.Equal([0, 17, 900, 4_500], one.Select(h => h.Row));
        Assert.Single(one.Select(h => h.Score).Distinct());
        Assert.Equal(one, index.SearchMany([target, target, target], 4, threads)[2]);
        Assert.Equal([0, 17, 900, 4_500], index.SearchManyInt8([target], 4, rescore: 2, threads: threads)[0].Select(h => h.Row));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(384)]
    [InlineData(385)]
    public unsafe void Int8_tile_equals_the_integer_sum(int d)
    {
        var random = new Random(d);
        int stride = (d + 63) / 64 * 64;
        sbyte[] rows = [.. Enumerable.Range(0, 3 * d).Select(_ => (sbyte)random.Next(-127, 128))]; // 3 rows: one short of a tile
        var queries = new sbyte[4 * stride];
        var offsets = new byte[4 * stride];
        for (int j = 0; j < 4; j++)
        {
            for (int i = 0; i < d; i++)
            {
                queries[(j * stride) + i] = (sbyte)random.Next(-127, 128);
            }

            Int8Kernel.Offset(queries.AsSpan(j * stride, d), offsets.AsSpan(j * stride, d));
        }

        var sums = new int[4];
        var dots = new int[16];
        fixed (sbyte* r = rows)
        fixed (sbyte* q = queries)
        fixed (byte* o = offsets)
        fixed (int* s = sums)
        fixed (int* t = dots)
        {
            Int8Kernel.RowSums(r, 3, d, s);
            sums[3] = sums[0];
            Int8Kernel.ScoreTile(r, 3, d, s, q, o, stride, t);
        }

        for (int j = 0; j < 4; j++)
        {
            for (int row = 0; row < 3; row++)
            {
                int expected = Enumerable.Range(0, d).Sum(i => rows[(row * d) + i] * queries[(j * stride) + i]);
                Assert.Equal(expected, dots[(4 * j) + row]);
            }
        }
    }
}
