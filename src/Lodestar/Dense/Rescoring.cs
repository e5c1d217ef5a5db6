using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;

namespace Lodestar.Dense;

/// <summary>
/// The float32 rescoring of int8 candidates for many queries at once: every (row, query) pair sorted by row, so the
/// float32 file is read in one forward sweep (each row once for all the queries that kept it, the next rows
/// prefetched) instead of one cold random read per candidate; scores by <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>,
/// as <see cref="VectorIndex.Search"/> rescores, so the results equal rescoring one query at a time.
/// </summary>
internal static unsafe class Rescoring
{
    /// <summary>Pairs ahead whose rows are prefetched.</summary>
    private const int Ahead = 4;

    /// <summary>Per query, the best <paramref name="k"/> of its <paramref name="candidates"/> rows by float32 score,
    /// score descending, ties to the lower row.</summary>
    public static (int Row, float Score)[][] TopK(float* vectors, int d, IReadOnlyList<float[]> queries, int[][] candidates, int k, int threads)
    {
        long[] pairs = new long[candidates.Sum(c => (long)c.Length)];
        int n = 0;
        for (int j = 0; j < candidates.Length; j++)
        {
            foreach (int row in candidates[j])
            {
                pairs[n++] = ((long)row << 32) | (uint)j;
            }
        }

        Array.Sort(pairs);
        threads = Math.Clamp(threads, 1, Math.Max(1, pairs.Length / 1024));
        var heaps = new RowHeap?[threads][];
        long bytes = (long)d * sizeof(float);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var mine = new RowHeap?[queries.Count];
            int start = (int)((long)pairs.Length * t / threads), end = (int)((long)pairs.Length * (t + 1) / threads);
            for (int i = start; i < end; i++)
            {
                if (Sse.IsSupported && i + Ahead < end)
                {
                    byte* next = (byte*)(vectors + ((pairs[i + Ahead] >> 32) * d));
                    for (long offset = 0; offset < bytes; offset += 64)
                    {
                        Sse.Prefetch0(next + offset);
                    }
                }

                int row = (int)(pairs[i] >> 32), j = (int)(uint)pairs[i];
                float score = TensorPrimitives.Dot(new ReadOnlySpan<float>(vectors + ((long)row * d), d), queries[j]);
                (mine[j] ??= new RowHeap(k)).Offer(row, score);
            }

            heaps[t] = mine;
        });

        var results = new (int Row, float Score)[queries.Count][];
        for (int j = 0; j < queries.Count; j++)
        {
            var merged = new RowHeap(k);
            foreach (RowHeap?[] perThread in heaps)
            {
                foreach ((int row, float score) in perThread[j]?.Items() ?? [])
                {
                    merged.Offer(row, score);
                }
            }

            results[j] = merged.Sorted();
        }

        return results;
    }
}
