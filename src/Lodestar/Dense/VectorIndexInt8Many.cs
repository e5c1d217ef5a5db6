using System.Buffers;
using System.Runtime.InteropServices;

namespace Lodestar.Dense;

/// <summary>The batched int8 search of <see cref="VectorIndex"/>.</summary>
public sealed unsafe partial class VectorIndex
{
    /// <summary>
    /// Queries per thread from which the batched int8 scan splits the queries among the threads (each thread scans
    /// every row for its share) rather than the rows (each thread scans its rows for every query, then each query's
    /// candidates from all threads are merged). Split by query, each row block is packed once per thread instead of
    /// once, but no merge is needed, each query's candidates are selected once instead of once per thread, and the
    /// candidate buffers take half the memory. At 200k × 384 on 2 threads the two cost the same CPU per call at about
    /// 250 queries (252 by row: 93–103 ms, 256 by query: 84–91 ms; docs/decisions/dense-kernel.md).
    /// </summary>
    internal const int QueriesPerThreadToSplit = 128;

    /// <summary>The candidate buffers' room per query, in multiples of the rows kept (<see cref="TopBuffer"/>).</summary>
    internal const int CandidateSlack = 2;

    // The int8 scan's per-thread candidate buffers of the last batched call, kept for the next call of the same shape
    // (taken and given back atomically, so concurrent calls each get their own).
    private TopBuffer?[]? _int8Buffers;

    /// <summary>
    /// Int8 top-k for many queries in one pass over the int8 vectors, blocked like the float32
    /// <see cref="SearchMany(IReadOnlyList{float[]}, int, int)"/> (4 rows × 4 queries per <see cref="Int8Kernel.ScoreTile"/>),
    /// then each query's <paramref name="rescore"/> × k candidates rescored in float32. Same results as <see cref="Search"/> with <see cref="Precision.Int8"/> one query at a time.
    /// The scan runs on the registered <see cref="Int8BatchKernel"/> where there is one (the same results), else managed.
    /// </summary>
    /// <param name="queries">The query vectors.</param>
    /// <param name="k">Hits wanted per query.</param>
    /// <param name="rescore">Candidates kept per hit wanted before float32 rescoring.</param>
    /// <param name="threads">Threads (0: all cores): each scans a share of the queries over every row from
    /// <see cref="QueriesPerThreadToSplit"/> queries per thread, else a range of rows for every query.</param>
    /// <param name="managed">Run the managed kernel even where an accelerated one is registered (A/B, tests).</param>
    public (int Row, float Score)[][] SearchManyInt8(IReadOnlyList<float[]> queries, int k, int rescore = 10, int threads = 0, bool managed = false) =>
        SearchManyInt8(queries, k, rescore, threads, managed ? null : Int8BatchKernel.Current);

    /// <summary><see cref="SearchManyInt8(IReadOnlyList{float[]}, int, int, int, bool)"/> on <paramref name="kernel"/>
    /// (null: the managed kernel).</summary>
    internal (int Row, float Score)[][] SearchManyInt8(IReadOnlyList<float[]> queries, int k, int rescore, int threads, Int8BatchKernel? kernel)
    {
        if (queries.Any(q => q.Length != Dimension))
        {
            throw new ArgumentException($"every query must have {Dimension} dimensions");
        }

        if (!Header.Int8)
        {
            throw new InvalidOperationException($"{Location}: the index was built without --int8");
        }

        k = Math.Min(k, Count);
        if (k <= 0 || queries.Count == 0)
        {
            return [.. queries.Select(_ => Array.Empty<(int, float)>())];
        }

        int wanted = (int)Math.Min(Count, (long)k * Math.Max(1, rescore));
        if ((long)queries.Count * wanted > Array.MaxLength)
        {
            throw new ArgumentException($"{queries.Count} queries × {wanted} candidates is too many for one call; search in smaller batches");
        }

        threads = Math.Clamp(threads > 0 ? threads : Environment.ProcessorCount, 1, Math.Max(1, Count / 4096));
        Part[] parts = Split(queries.Count, threads);
        int stride = (Dimension + 63) / 64 * 64, padded = (queries.Count + Int8Kernel.QueryTile - 1) / Int8Kernel.QueryTile * Int8Kernel.QueryTile;
        var qScale = new float[queries.Count];
        nuint bytes = (nuint)((long)padded * stride);
        sbyte* q8 = (sbyte*)NativeMemory.AlignedAlloc(bytes, 64);
        byte* offsets = kernel is null ? (byte*)NativeMemory.AlignedAlloc(bytes, 64) : null; // the managed kernel's q + 128
        int* sums = kernel is null ? null : (int*)NativeMemory.Alloc((nuint)padded, sizeof(int)); // Σq, the native kernel's
        var heaps = new TopBuffer[parts.Length];
        int[] candidates = ArrayPool<int>.Shared.Rent(queries.Count * wanted); // query j's at j · wanted, counts[j] of them
        var counts = new int[queries.Count];
        TopBuffer?[] kept = Interlocked.Exchange(ref _int8Buffers, null) ?? [];
        try
        {
            NativeMemory.Clear(q8, bytes);
            if (offsets is not null)
            {
                NativeMemory.Clear(offsets, bytes);
            }

            for (int j = 0; j < queries.Count; j++)
            {
                var q = new Span<sbyte>(q8 + ((long)j * stride), Dimension);
                qScale[j] = VectorIndexWriter.Quantize(queries[j], q);
                if (offsets is not null)
                {
                    Int8Kernel.Offset(q, new Span<byte>(offsets + ((long)j * stride), Dimension));
                }
            }

            if (sums is not null)
            {
                Int8Kernel.RowSums(q8, queries.Count, stride, sums); // the padding is zero
            }

            bool byQuery = parts[0].End == Count; // split by query (or one thread): each query's candidates in one buffer
            Parallel.For(0, parts.Length, new ParallelOptions { MaxDegreeOfParallelism = parts.Length }, t =>
            {
                (int start, int end, int first, int last) = parts[t];
                if (t < kept.Length && kept[t] is { } old && old.Count == last - first && old.Capacity == wanted)
                {
                    kept[t] = null;
                    heaps[t] = old.Reset();
                }
                else
                {
                    heaps[t] = new TopBuffer(last - first, wanted, CandidateSlack);
                }

                float[] partScales = byQuery ? qScale[first..last] : qScale;
                if (kernel is not null)
                {
                    AcceleratedScan.Int8Many(kernel, _i8, Dimension, _scales, q8 + ((long)first * stride), stride, sums + first, partScales,
                        start, end, heaps[t]);
                }
                else
                {
                    FlatScan.Int8Many(_i8, Dimension, _scales, q8 + ((long)first * stride), offsets + ((long)first * stride), stride, partScales,
                        start, end, heaps[t]);
                }

                if (byQuery)
                {
                    for (int j = first; j < last; j++)
                    {
                        counts[j] = heaps[t].CopyRows(j - first, candidates.AsSpan(j * wanted, wanted));
                    }
                }
            });

            if (!byQuery)
            {
                // each query's candidates from every thread; queries in parallel (each touches only its own slots)
                Parallel.For(0, queries.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, j =>
                {
                    var merged = new RowHeap(wanted);
                    foreach (TopBuffer buffer in heaps)
                    {
                        foreach ((int row, float score) in buffer.Items(j))
                        {
                            merged.Offer(row, score);
                        }
                    }

                    counts[j] = merged.CopyRows(candidates.AsSpan(j * wanted, wanted));
                });
            }
        }
        finally
        {
            NativeMemory.AlignedFree(q8);
            NativeMemory.AlignedFree(offsets);
            NativeMemory.Free(sums);
            DisposeAll(kept);
            bool complete = Array.TrueForAll(heaps, h => h is not null); // false when the scan stopped part-way
            DisposeAll(Interlocked.Exchange(ref _int8Buffers, complete ? heaps : null));
            if (!complete)
            {
                DisposeAll(heaps);
            }
        }

        try
        {
            return Rescoring.TopK(_f32, Count, Dimension, queries, candidates, wanted, counts, k, threads);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(candidates);
        }
    }

    /// <summary>One thread's share of a batched int8 scan: rows [Start, End) against queries [First, Last).</summary>
    internal readonly record struct Part(int Start, int End, int First, int Last);

    /// <summary>The threads' shares: by query (whole 4-query tiles, every row) where each thread gets at least
    /// <see cref="QueriesPerThreadToSplit"/> queries or there is one thread, else by row (every query).</summary>
    internal Part[] Split(int queries, int threads)
    {
        var parts = new Part[threads];
        int tiles = (queries + Int8Kernel.QueryTile - 1) / Int8Kernel.QueryTile;
        bool byQuery = threads == 1 || queries >= threads * QueriesPerThreadToSplit;
        for (int t = 0; t < threads; t++)
        {
            parts[t] = byQuery
                ? new Part(0, Count, Math.Min(queries, tiles * t / threads * Int8Kernel.QueryTile), Math.Min(queries, tiles * (t + 1) / threads * Int8Kernel.QueryTile))
                : new Part((int)((long)Count * t / threads), (int)((long)Count * (t + 1) / threads), 0, queries);
        }

        return parts;
    }

    private static void DisposeAll(TopBuffer?[]? buffers)
    {
        foreach (TopBuffer? buffer in buffers ?? [])
        {
            buffer?.Dispose();
        }
    }
}
