using Lodestar.Dense;

namespace Lodestar.Tests;

/// <summary>Vectors and vector indexes for the dense tests.</summary>
internal static class TestVectors
{
    /// <summary><paramref name="count"/> unit vectors of <paramref name="d"/> components drawn uniformly from
    /// [-0.5, 0.5) in order from <paramref name="random"/>, then normalised.</summary>
    public static float[][] Unit(Random random, int count, int d) => [.. Enumerable.Range(0, count).Select(_ =>
    {
        float[] v = [.. Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() - 0.5))];
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    })];

    /// <summary>Writes <paramref name="vectors"/> (ids doc0, doc1, …) as a vector index at <paramref name="path"/>,
    /// with int8 rows when <paramref name="int8"/>.</summary>
    public static string Write(string path, float[][] vectors, bool int8)
    {
        using var writer = new VectorIndexWriter(path, vectors[0].Length, int8);
        for (int i = 0; i < vectors.Length; i++)
        {
            writer.Add($"doc{i}", vectors[i]);
        }

        writer.Complete("test-model", "plain", "{query}");
        return path;
    }
}
