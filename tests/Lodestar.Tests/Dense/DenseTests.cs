using Lodestar.Dense;
using Lodestar.Errors;
using Lodestar.Fusion;
using Lodestar.Model;

namespace Lodestar.Tests;

/// <summary>The flat vector index against a brute-force float64 reference, int8 recall, integrity, and fusion.</summary>
public sealed class DenseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-dense-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[][] RandomUnitVectors(int count, int dim, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            // Gaussian by Box-Muller, then unit length
            var v = new float[dim];
            for (int i = 0; i < dim; i++)
            {
                v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }

            float norm = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        })];
    }

    private string Build(float[][] vectors, bool int8, string name = "vectors") => TestVectors.Write(Path.Combine(_dir, name), vectors, int8);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Float32_top_k_equals_a_brute_force_float64_reference(int threads)
    {
        float[][] docs = RandomUnitVectors(20_000, 64, 1);
        float[][] queries = RandomUnitVectors(25, 64, 2);
        using VectorIndex index = VectorIndex.Open(Build(docs, int8: false));
        Assert.True(index.Header.Normalized);
        foreach (float[] q in queries)
        {
            var reference = docs.Select((d, row) => (Row: row, Score: d.Zip(q).Sum(p => (double)p.First * p.Second)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Row).Take(100).ToList();
            (int Row, float Score)[] hits = index.Search(q, 100, Precision.Float32, threads: threads);
            Assert.Equal(reference.Select(r => r.Row), hits.Select(h => h.Row));
            Assert.All(hits.Zip(reference), p => Assert.Equal(p.Second.Score, p.First.Score, 1e-5));
        }
    }

    [Fact]
    public void Searching_many_queries_in_one_pass_equals_searching_them_one_by_one()
    {
        float[][] docs = RandomUnitVectors(10_000, 48, 7);
        float[][] queries = RandomUnitVectors(13, 48, 8);
        using VectorIndex index = VectorIndex.Open(Build(docs, int8: false));
        (int Row, float Score)[][] many = index.SearchMany(queries, 50);
        for (int j = 0; j < queries.Length; j++)
        {
            Assert.Equal(index.Search(queries[j], 50), many[j]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Int8_many_queries_in_one_pass_equal_int8_one_by_one(int threads)
    {
        float[][] docs = RandomUnitVectors(12_000, 96, 17);
        float[][] queries = RandomUnitVectors(11, 96, 18);
        using VectorIndex index = VectorIndex.Open(Build(docs, int8: true));
        (int Row, float Score)[][] many = index.SearchManyInt8(queries, 20, rescore: 5, threads: threads);
        Assert.Equal(queries.Length, many.Length);
        for (int j = 0; j < queries.Length; j++)
        {
            Assert.Equal(index.Search(queries[j], 20, Precision.Int8, rescore: 5, threads: threads), many[j]);
        }
    }

    [Fact]
    public void Int8_with_rescoring_reaches_recall_at_10_of_at_least_0_99()
    {
        float[][] docs = RandomUnitVectors(30_000, 384, 3);
        float[][] queries = RandomUnitVectors(50, 384, 4);
        using VectorIndex index = VectorIndex.Open(Build(docs, int8: true));
        double found = 0;
        foreach (float[] q in queries)
        {
            var exact = index.Search(q, 10).Select(h => h.Row).ToHashSet();
            (int Row, float Score)[] approx = index.Search(q, 10, Precision.Int8, rescore: 10);
            found += approx.Count(h => exact.Contains(h.Row));
            Assert.All(approx, h => Assert.Equal(System.Numerics.Tensors.TensorPrimitives.Dot(index.Vector(h.Row), q), h.Score)); // rescored in float32
        }

        double recall = found / (10.0 * queries.Length);
        Assert.True(recall >= 0.99, $"int8 recall@10 {recall:F4}");
    }

    [Fact]
    public void Int8_dot_product_equals_the_scalar_sum()
    {
        var random = new Random(5);
        foreach (int n in new[] { 1, 31, 32, 33, 384, 1000 })
        {
            sbyte[] a = [.. Enumerable.Range(0, n).Select(_ => (sbyte)random.Next(-127, 128))];
            short[] b = [.. Enumerable.Range(0, n).Select(_ => (short)random.Next(-127, 128))];
            int expected = a.Zip(b).Sum(p => p.First * p.Second);
            unsafe
            {
                fixed (sbyte* pa = a)
                fixed (short* pb = b)
                {
                    Assert.Equal(expected, VectorIndex.DotInt8(pa, pb, n));
                }
            }
        }
    }

    [Fact]
    public void A_flipped_byte_is_reported_naming_the_file()
    {
        string path = Build(RandomUnitVectors(100, 16, 6), int8: true);
        string file = Path.Combine(path, "vectors.i8");
        byte[] bytes = File.ReadAllBytes(file);
        bytes[500] ^= 0x10;
        File.WriteAllBytes(file, bytes);
        IndexCorruptException e = Assert.Throws<IndexCorruptException>(() => VectorIndex.Open(path));
        Assert.StartsWith(file, e.Message);
    }

    [Fact]
    public void An_unfinished_build_leaves_nothing_and_bad_vectors_are_refused()
    {
        string path = Path.Combine(_dir, "unfinished");
        using (var writer = new VectorIndexWriter(path, 4, int8: true))
        {
            writer.Add("a", [1, 0, 0, 0]);
            Assert.Throws<ArgumentException>(() => writer.Add("b", [1, 0, 0]));
            Assert.Throws<ArgumentException>(() => writer.Add("a", [0, 1, 0, 0]));
            Assert.Throws<ArgumentException>(() => writer.Add("c\nd", [0, 1, 0, 0]));
        }

        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    private static Run RunOf(string name, params (string Doc, double Score)[] hits)
    {
        var run = new Run(name);
        run.Set("q", [.. hits.Select(h => new Hit(h.Doc, h.Score))]);
        return run;
    }

    [Fact]
    public void Fusion_methods_follow_their_formulas()
    {
        Run bm25 = RunOf("bm25", ("a", 12), ("b", 10), ("c", 4));
        Run dense = RunOf("dense", ("c", 0.9), ("a", 0.5));

        Run rrf = RunFusion.Fuse([(bm25, 1), (dense, 1)], FusionMethod.Rrf);
        Assert.Equal(["a", "c", "b"], rrf["q"].Select(h => h.DocId));
        Assert.Equal((1.0 / 61) + (1.0 / 62), rrf["q"][0].Score, 12);   // a: rank 1 and rank 2
        Assert.Equal((1.0 / 63) + (1.0 / 61), rrf["q"][1].Score, 12);   // c: rank 3 and rank 1
        Assert.Equal(1.0 / 62, rrf["q"][2].Score, 12);                  // b: rank 2 only

        Run minmax = RunFusion.Fuse([(bm25, 0.3), (dense, 0.7)], FusionMethod.MinMax);
        // bm25 → a 1, b 0.75, c 0; dense → c 1, a 0
        Assert.Equal(["c", "a", "b"], minmax["q"].Select(h => h.DocId));
        Assert.Equal(0.7, minmax["q"][0].Score, 12);
        Assert.Equal(0.3, minmax["q"][1].Score, 12);
        Assert.Equal(0.225, minmax["q"][2].Score, 12);

        Run z = RunFusion.Fuse([(bm25, 1), (dense, 1)], FusionMethod.ZScore);
        double mean = 26.0 / 3, std = Math.Sqrt((Math.Pow(12 - mean, 2) + Math.Pow(10 - mean, 2) + Math.Pow(4 - mean, 2)) / 3);
        // dense: mean 0.7, std 0.2 → c +1, a −1; b is missing from dense and gets its lowest z, −1
        Assert.Equal(((10 - mean) / std) - 1, z["q"].Single(h => h.DocId == "b").Score, 12);
        Assert.Equal(((12 - mean) / std) - 1, z["q"].Single(h => h.DocId == "a").Score, 12);
        Assert.Equal(((4 - mean) / std) + 1, z["q"].Single(h => h.DocId == "c").Score, 12);
    }
}
