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
    /// <remarks>
    /// Three passes, none allocating per query beyond its result: a counting sort groups the (row, query) pairs by row
    /// (<c>pairs</c> of them, in pooled arrays), the threads score the distinct rows in ascending order (each row's
    /// pairs written to the pair's own slot), then each query keeps its best k with one reused <see cref="RowHeap"/>.
    /// </remarks>
    public static (int Row, float Score)[][] TopK(float* vectors, int count, int d, IReadOnlyList<float[]> queries, int[][] candidates, int k, int threads)
    {
        int pairs = 0;
        foreach (int[] c in candidates)
        {
            pairs += c.Length;
        }

        // the pairs grouped by row (counting sort): row r's pairs are starts[r] .. starts[r + 1] - 1, each with its
        // query (owners) and its slot in candidate order (slots: query j's i-th candidate is at firsts[j] + i). Arrays
        // from the shared pool, given back: a batched search's next call reuses their pages (fresh pages cost
        // 13–30 µs each on the VMs measured).
        int[] starts = ArrayPool<int>.Shared.Rent(count + 2);
        int[] owners = ArrayPool<int>.Shared.Rent(Math.Max(1, pairs));
        int[] slots = ArrayPool<int>.Shared.Rent(Math.Max(1, pairs));
        int[] distinct = ArrayPool<int>.Shared.Rent(Math.Max(1, pairs));
        float[] scores = ArrayPool<float>.Shared.Rent(Math.Max(1, pairs));
        try
        {
            Array.Clear(starts, 0, count + 2);
            foreach (int[] c in candidates)
            {
                foreach (int row in c)
                {
                    starts[row + 2]++;
                }
            }

            int rows = 0;
            for (int row = 0; row < count; row++)
            {
                if (starts[row + 2] > 0)
                {
                    distinct[rows++] = row;
                }

                starts[row + 2] += starts[row + 1];
            }

            // starts[r + 1] is now where row r's pairs begin; filling advances it to where they end, which is where
            // row r + 1's begin, so afterwards starts[r] .. starts[r + 1] are row r's
            for (int j = 0, slot = 0; j < candidates.Length; j++)
            {
                foreach (int row in candidates[j])
                {
                    int p = starts[row + 1]++;
                    owners[p] = j;
                    slots[p] = slot++;
                }
            }

            int sweeps = Math.Clamp(threads, 1, Math.Max(1, rows / 256));
            Parallel.For(0, sweeps, new ParallelOptions { MaxDegreeOfParallelism = sweeps }, t =>
                Sweep(vectors, d, queries, distinct, (int)((long)rows * t / sweeps), (int)((long)rows * (t + 1) / sweeps), starts, owners, slots, scores));

            var results = new (int Row, float Score)[queries.Count][];
            int parts = Math.Clamp(threads, 1, Math.Max(1, queries.Count / 64));
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, t =>
                KeepBest(candidates, scores, (int)((long)queries.Count * t / parts), (int)((long)queries.Count * (t + 1) / parts), k, results));
            return results;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<int>.Shared.Return(owners);
            ArrayPool<int>.Shared.Return(slots);
            ArrayPool<int>.Shared.Return(distinct);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    // Queries [first, last): the best k of each one's scored candidates, sorted. Fully optimised from the first call (as
    // Sweep): a batched search's first call must not run this loop at tier 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KeepBest(int[][] candidates, float[] scores, int first, int last, int k, (int Row, float Score)[][] results)
    {
        int slot = 0;
        for (int j = 0; j < first; j++)
        {
            slot += candidates[j].Length;
        }

        var heap = new RowHeap(k);
        for (int j = first; j < last; j++)
        {
            foreach (int row in candidates[j])
            {
                heap.Offer(row, scores[slot++]);
            }

            results[j] = heap.SortedAndCleared();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sweep(float* vectors, int d, IReadOnlyList<float[]> queries, int[] distinct, int start, int end, int[] starts, int[] owners,
        int[] slots, float[] scores)
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
            for (int p = starts[row]; p < starts[row + 1]; p++)
            {
                scores[slots[p]] = TensorPrimitives.Dot(vector, queries[owners[p]]);
            }
        }
    }
}
