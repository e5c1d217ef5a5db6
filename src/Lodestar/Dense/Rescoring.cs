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

    /// <summary>Per query j, the best <paramref name="k"/> of its candidate rows <c>rows[j · stride ..][..counts[j]]</c>
    /// (distinct, of <paramref name="count"/>) by float32 score, score descending, ties to the lower row.</summary>
    /// <remarks>
    /// Three passes, none allocating per query beyond its result: a counting sort groups the candidates by row (their
    /// positions in <paramref name="rows"/>, in a pooled array), the threads score the rows in ascending order (each
    /// score written to its candidate's position, so a position's query is position / stride), then each query keeps
    /// its best k with one reused <see cref="RowHeap"/>.
    /// </remarks>
    public static (int Row, float Score)[][] TopK(float* vectors, int count, int d, IReadOnlyList<float[]> queries, int[] rows, int stride, int[] counts,
        int k, int threads)
    {
        int pairs = 0;
        foreach (int c in counts)
        {
            pairs += c;
        }

        // the candidates grouped by row (counting sort): row r's are at positions[starts[r] .. starts[r + 1]]. Arrays
        // from the shared pool, given back: a batched search's next call reuses their pages (fresh pages cost
        // 13–30 µs each on the VMs measured).
        int[] starts = ArrayPool<int>.Shared.Rent(count + 2);
        int[] positions = ArrayPool<int>.Shared.Rent(Math.Max(1, pairs));
        float[] scores = ArrayPool<float>.Shared.Rent(Math.Max(1, queries.Count * stride));
        try
        {
            Array.Clear(starts, 0, count + 2);
            for (int j = 0; j < queries.Count; j++)
            {
                foreach (int row in rows.AsSpan(j * stride, counts[j]))
                {
                    starts[row + 2]++;
                }
            }

            for (int row = 0; row < count; row++)
            {
                starts[row + 2] += starts[row + 1];
            }

            // starts[r + 1] is now where row r's candidates begin; filling advances it to where they end, which is
            // where row r + 1's begin, so afterwards starts[r] .. starts[r + 1] are row r's
            for (int j = 0; j < queries.Count; j++)
            {
                for (int i = j * stride; i < (j * stride) + counts[j]; i++)
                {
                    positions[starts[rows[i] + 1]++] = i;
                }
            }

            // the rows split among the threads by candidates, each share in ascending order
            int sweeps = Math.Clamp(threads, 1, Math.Max(1, pairs / 1024));
            Parallel.For(0, sweeps, new ParallelOptions { MaxDegreeOfParallelism = sweeps }, t =>
                Sweep(vectors, d, queries, stride, FirstRow(starts, count, (long)pairs * t / sweeps), FirstRow(starts, count, (long)pairs * (t + 1) / sweeps),
                    starts, positions, scores));

            var results = new (int Row, float Score)[queries.Count][];
            int parts = Math.Clamp(threads, 1, Math.Max(1, queries.Count / 64));
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, t =>
                KeepBest(rows, stride, counts, scores, (int)((long)queries.Count * t / parts), (int)((long)queries.Count * (t + 1) / parts), k, results));
            return results;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<int>.Shared.Return(positions);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    // The first row whose candidates begin at or after candidate p (count when none does).
    private static int FirstRow(int[] starts, int count, long p)
    {
        int lo = 0, hi = count;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (starts[mid] < p)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    // Queries [first, last): the best k of each one's scored candidates, sorted. Fully optimised from the first call (as
    // Sweep): a batched search's first call must not run this loop at tier 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KeepBest(int[] rows, int stride, int[] counts, float[] scores, int first, int last, int k, (int Row, float Score)[][] results)
    {
        var heap = new RowHeap(k);
        for (int j = first; j < last; j++)
        {
            for (int i = j * stride; i < (j * stride) + counts[j]; i++)
            {
                heap.Offer(rows[i], scores[i]);
            }

            results[j] = heap.SortedAndCleared();
        }
    }

    // Rows [start, end) with candidates, ascending, a chunk at a time (the chunk's rows listed first, so the rows
    // Ahead of the one scored can be prefetched).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sweep(float* vectors, int d, IReadOnlyList<float[]> queries, int stride, int start, int end, int[] starts, int[] positions,
        float[] scores)
    {
        long bytes = (long)d * sizeof(float);
        int* chunk = stackalloc int[256];
        for (int row = start; row < end;)
        {
            int n = 0;
            for (; row < end && n < 256; row++)
            {
                if (starts[row] != starts[row + 1])
                {
                    chunk[n++] = row;
                }
            }

            for (int i = 0; i < n; i++)
            {
                if (Sse.IsSupported && i + Ahead < n)
                {
                    byte* next = (byte*)(vectors + ((long)chunk[i + Ahead] * d));
                    for (long offset = 0; offset < bytes; offset += 64)
                    {
                        Sse.Prefetch0(next + offset);
                    }
                }

                var vector = new ReadOnlySpan<float>(vectors + ((long)chunk[i] * d), d);
                for (int p = starts[chunk[i]]; p < starts[chunk[i] + 1]; p++)
                {
                    int position = positions[p];
                    scores[position] = TensorPrimitives.Dot(vector, queries[position / stride]);
                }
            }
        }
    }
}
