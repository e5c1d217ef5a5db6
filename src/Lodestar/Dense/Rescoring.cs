using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Lodestar.Dense;

/// <summary>
/// The float32 rescoring of int8 candidates for many queries at once, by row rather than by query: the candidate rows
/// in ascending order (each read once, for all the queries that kept it, the next ones prefetched) instead of one cold
/// random read per (query, candidate). Scores by <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>,
/// as <see cref="VectorIndex.Search"/> rescores, and <see cref="RowHeap"/> keeps the same rows whatever the order, so
/// the results equal rescoring one query at a time.
/// </summary>
internal static unsafe class Rescoring
{
    /// <summary>Distinct rows ahead whose float32 vectors are prefetched.</summary>
    private const int Ahead = 4;

    /// <summary>Per query, the best <paramref name="k"/> of its <paramref name="candidates"/> rows (of
    /// <paramref name="count"/>) by float32 score, score descending, ties to the lower row.</summary>
    public static (int Row, float Score)[][] TopK(float* vectors, int count, int d, IReadOnlyList<float[]> queries, int[][] candidates, int k, int threads)
    {
        RowHeap?[][] heaps = ScoreByRow(vectors, count, d, queries, candidates, k, threads);
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

    // Every (candidate row, query) pair scored, rows in ascending order split among the threads: per thread, per
    // query, the best k it saw.
    private static RowHeap?[][] ScoreByRow(float* vectors, int count, int d, IReadOnlyList<float[]> queries, int[][] candidates, int k, int threads)
    {
        // the (row, query) pairs grouped by row (counting sort): rows[i] has queries firsts[i] .. firsts[i + 1] - 1.
        // The arrays come from the shared pool and go back to it: a batched search's next call reuses their pages
        // (fresh pages cost 13–30 µs each on the VMs measured; these are N + 1 ints twice).
        int[] perRow = ArrayPool<int>.Shared.Rent(count + 1);
        int[] fill = ArrayPool<int>.Shared.Rent(count + 1);
        int pairs = 0;
        foreach (int[] c in candidates)
        {
            pairs += c.Length;
        }

        int[] owners = ArrayPool<int>.Shared.Rent(Math.Max(1, pairs));
        try
        {
            Array.Clear(perRow, 0, count + 1);
            foreach (int[] c in candidates)
            {
                foreach (int row in c)
                {
                    perRow[row + 1]++;
                }
            }

            var rows = new List<int>();
            for (int row = 0; row < count; row++)
            {
                if (perRow[row + 1] > 0)
                {
                    rows.Add(row);
                }

                perRow[row + 1] += perRow[row];
            }

            Array.Copy(perRow, fill, count + 1);
            for (int j = 0; j < candidates.Length; j++)
            {
                foreach (int row in candidates[j])
                {
                    owners[fill[row]++] = j;
                }
            }

            int[] distinct = [.. rows];
            threads = Math.Clamp(threads, 1, Math.Max(1, distinct.Length / 256));
            var byThread = new RowHeap?[threads][];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                byThread[t] = new RowHeap?[queries.Count];
                int start = (int)((long)distinct.Length * t / threads), end = (int)((long)distinct.Length * (t + 1) / threads);
                Sweep(vectors, d, queries, distinct, start, end, perRow, owners, k, byThread[t]);
            });
            return byThread;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(perRow);
            ArrayPool<int>.Shared.Return(fill);
            ArrayPool<int>.Shared.Return(owners);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sweep(float* vectors, int d, IReadOnlyList<float[]> queries, int[] distinct, int start, int end, int[] firsts, int[] owners,
        int k, RowHeap?[] heaps)
    {
        long bytes = (long)d * sizeof(float);
        for (int i = start; i < end; i++)
        {
            if (Sse.IsSupported && i + Ahead < end)
            {
                byte* next = (byte*)(vectors + ((long)distinct[i + Ahead] * d));
                for (long offset = 0; offset < bytes; offset += 64)
                {
                    Sse.Prefetch0(next + offset);
                }
            }

            int row = distinct[i];
            var vector = new ReadOnlySpan<float>(vectors + ((long)row * d), d);
            for (int p = firsts[row]; p < firsts[row + 1]; p++)
            {
                int j = owners[p];
                (heaps[j] ??= new RowHeap(k)).Offer(row, TensorPrimitives.Dot(vector, queries[j]));
            }
        }
    }
}
