using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Lodestar.Errors;

namespace Lodestar.Dense;

/// <summary>How the flat scan scores.</summary>
public enum Precision
{
    /// <summary>Exact float32 inner products over every vector.</summary>
    Float32,

    /// <summary>int8 inner products over every vector, then the best <c>k × rescore</c> rescored in float32.</summary>
    Int8,
}

/// <summary>
/// A flat vector index, memory-mapped: exact top-k by inner product (cosine for normalized vectors) with SIMD
/// (<see cref="Float32Kernel"/>; <see cref="Int8Kernel"/> for int8) over row ranges in parallel, each with a bounded
/// heap, merged at the end.
/// </summary>
/// <remarks>
/// Cost per query: float32 reads <c>4·n·d</c> bytes, int8 <c>n·d</c> plus <c>k·rescore</c> rows; memory is the page
/// cache, not the heap (the ids take ~50 bytes each). Batched search (<see cref="SearchMany"/>) is compute-bound and
/// returns the same rows and bit-identical scores as one query at a time. Ties: lower row (insertion order) first.
/// Thread-safe.
/// </remarks>
public sealed unsafe partial class VectorIndex : IDisposable
{

    private readonly MemoryMappedFile? _f32File, _i8File;
    private readonly MemoryMappedViewAccessor? _f32View, _i8View;
    private readonly float* _f32;
    private readonly sbyte* _i8;
    private readonly float[] _scales;

    private VectorIndex(string directory, VectorIndexHeader header, bool verify)
    {
        Location = directory;
        Header = header;
        foreach ((string name, Index.FileChecksum sum) in header.Files)
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path) || new FileInfo(path).Length != sum.Bytes)
            {
                throw new IndexCorruptException(path, File.Exists(path) ? $"expected {sum.Bytes} bytes, found {new FileInfo(path).Length}" : "missing");
            }

            if (verify && Index.IndexHeader.Sha256HexOfFile(path) != sum.Sha256)
            {
                throw new IndexCorruptException(path, "SHA-256 does not match the header");
            }
        }

        long rowBytes = (long)header.Count * header.Dimension;
        if (header.Files["vectors.f32"].Bytes != rowBytes * 4)
        {
            throw new IndexCorruptException(Path.Combine(directory, "vectors.f32"), $"expected {header.Count} x {header.Dimension} float32");
        }

        Ids = File.ReadAllLines(Path.Combine(directory, "ids.txt"), Encoding.UTF8);
        if (Ids.Length != header.Count)
        {
            throw new IndexCorruptException(Path.Combine(directory, "ids.txt"), $"expected {header.Count} ids, found {Ids.Length}");
        }

        _scales = [];
        if (rowBytes > 0)
        {
            (_f32File, _f32View) = Map(Path.Combine(directory, "vectors.f32"));
            byte* p = null;
            _f32View.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _f32 = (float*)(p + _f32View.PointerOffset);
            if (header.Int8)
            {
                (_i8File, _i8View) = Map(Path.Combine(directory, "vectors.i8"));
                byte* q = null;
                _i8View.SafeMemoryMappedViewHandle.AcquirePointer(ref q);
                _i8 = (sbyte*)(q + _i8View.PointerOffset);
                _scales = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(directory, "scales.f32"))).ToArray();
            }
        }
    }

    private static (MemoryMappedFile, MemoryMappedViewAccessor) Map(string path)
    {
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        return (file, file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read));
    }

    /// <summary>Opens the index in <paramref name="directory"/>, checking sizes and (by default) every SHA-256.</summary>
    /// <exception cref="IndexCorruptException">Any check fails; the message names the file.</exception>
    public static VectorIndex Open(string directory, bool verify = true) => new(directory, VectorIndexHeader.Read(directory), verify);

    /// <summary>The folder it was opened from.</summary>
    public string Location { get; }

    /// <summary>The header.</summary>
    public VectorIndexHeader Header { get; }

    /// <summary>External ids by row.</summary>
    public string[] Ids { get; }

    /// <summary>Vector length.</summary>
    public int Dimension => Header.Dimension;

    /// <summary>Vectors.</summary>
    public int Count => Header.Count;

    /// <summary>The float32 vector of a row.</summary>
    public ReadOnlySpan<float> Vector(int row) => new(_f32 + ((long)row * Dimension), Dimension);

    /// <summary>The best <paramref name="k"/> rows for <paramref name="query"/>, score descending.</summary>
    /// <param name="query">The query vector.</param>
    /// <param name="k">Hits wanted.</param>
    /// <param name="precision">float32, or int8 with rescoring.</param>
    /// <param name="rescore">int8: candidates kept per hit wanted before float32 rescoring.</param>
    /// <param name="threads">Row ranges scanned in parallel (0: all cores).</param>
    public (int Row, float Score)[] Search(ReadOnlySpan<float> query, int k, Precision precision = Precision.Float32, int rescore = 10, int threads = 0)
    {
        if (query.Length != Dimension)
        {
            throw new ArgumentException($"query has {query.Length} dimensions, the index {Dimension}");
        }

        if (precision == Precision.Int8 && !Header.Int8)
        {
            throw new InvalidOperationException($"{Location}: the index was built without --int8");
        }

        k = Math.Min(k, Count);
        if (k <= 0)
        {
            return [];
        }

        threads = Math.Clamp(threads > 0 ? threads : Environment.ProcessorCount, 1, Math.Max(1, Count / 4096));
        float[] q = query.ToArray();
        int wanted = precision == Precision.Float32 ? k : Math.Min(Count, k * Math.Max(1, rescore));
        var heaps = new RowHeap[threads];
        short[] q16 = [];
        float qScale = 0;
        if (precision == Precision.Int8)
        {
            var q8 = new sbyte[Dimension];
            qScale = VectorIndexWriter.Quantize(q, q8);
            q16 = [.. q8.Select(x => (short)x)];
        }

        float* packed = FlatScan.PackFloat32([q], Dimension, out _);
        try
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int start = (int)((long)Count * t / threads), end = (int)((long)Count * (t + 1) / threads);
                var heap = new RowHeap(wanted);
                if (precision == Precision.Float32)
                {
                    FlatScan.Float32(_f32, Dimension, packed, start, end, heap);
                }
                else
                {
                    ScanInt8(q16, qScale, start, end, heap);
                }

                heaps[t] = heap;
            });
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
        }

        var merged = new RowHeap(wanted);
        foreach (RowHeap h in heaps)
        {
            foreach ((int row, float score) in h.Items())
            {
                merged.Offer(row, score);
            }
        }

        if (precision == Precision.Float32)
        {
            return merged.Sorted();
        }

        var exact = new RowHeap(k);
        foreach ((int row, _) in merged.Items())
        {
            exact.Offer(row, TensorPrimitives.Dot(Vector(row), q));
        }

        return exact.Sorted();
    }

    /// <summary>
    /// Float32 top-k for many queries in one pass over the vectors: rows go in blocks of
    /// <see cref="FlatScan.Float32BlockRows"/> that stay in L2 while every query passes over them, 4 rows × 4 queries at
    /// a time in registers (<see cref="Float32Kernel.ScoreTile"/>). Same rows and bit-identical scores as
    /// <see cref="Search"/> one query at a time.
    /// </summary>
    public (int Row, float Score)[][] SearchMany(IReadOnlyList<float[]> queries, int k, int threads = 0)
    {
        if (queries.Any(q => q.Length != Dimension))
        {
            throw new ArgumentException($"every query must have {Dimension} dimensions");
        }

        k = Math.Min(k, Count);
        if (k <= 0 || queries.Count == 0)
        {
            return [.. queries.Select(_ => Array.Empty<(int, float)>())];
        }

        threads = Math.Clamp(threads > 0 ? threads : Environment.ProcessorCount, 1, Math.Max(1, Count / 4096));
        var heaps = new RowHeap[threads][];
        float* packed = FlatScan.PackFloat32(queries, Dimension, out int stride);
        try
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int start = (int)((long)Count * t / threads), end = (int)((long)Count * (t + 1) / threads);
                heaps[t] = NewHeaps(queries.Count, k);
                FlatScan.Float32Many(_f32, Dimension, packed, stride, start, end, heaps[t]);
            });
        }
        finally
        {
            NativeMemory.AlignedFree(packed);
        }

        var results = new (int Row, float Score)[queries.Count][];
        for (int j = 0; j < queries.Count; j++)
        {
            var merged = new RowHeap(k);
            foreach (RowHeap[] perThread in heaps)
            {
                foreach ((int row, float score) in perThread[j].Items())
                {
                    merged.Offer(row, score);
                }
            }

            results[j] = merged.Sorted();
        }

        return results;
    }

    private static RowHeap[] NewHeaps(int count, int capacity)
    {
        var heaps = new RowHeap[count];
        for (int j = 0; j < count; j++)
        {
            heaps[j] = new RowHeap(capacity);
        }

        return heaps;
    }

    private void ScanInt8(short[] q16, float qScale, int start, int end, RowHeap heap)
    {
        int d = Dimension;
        fixed (short* q = q16)
        {
            for (int row = start; row < end; row++)
            {
                float score = DotInt8(_i8 + ((long)row * d), q, d) * _scales[row] * qScale;
                if (score > heap.Threshold)
                {
                    heap.Offer(row, score);
                }
            }
        }
    }

    /// <summary>Σ a[i]·b[i] for int8 <paramref name="a"/> and int8-valued int16 <paramref name="b"/> (AVX2: sign-extend
    /// 16 bytes to int16, <c>vpmaddwd</c> into int32 lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotInt8(sbyte* a, short* b, int n)
    {
        int i = 0, sum = 0;
        if (Avx2.IsSupported)
        {
            Vector256<int> acc0 = Vector256<int>.Zero, acc1 = Vector256<int>.Zero;
            for (; i + 32 <= n; i += 32)
            {
                Vector256<short> a0 = Avx2.ConvertToVector256Int16(a + i), a1 = Avx2.ConvertToVector256Int16(a + i + 16);
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(a0, Avx.LoadVector256(b + i)));
                acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(a1, Avx.LoadVector256(b + i + 16)));
            }

            sum = Vector256.Sum(Avx2.Add(acc0, acc1));
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_f32View is not null)
        {
            _f32View.SafeMemoryMappedViewHandle.ReleasePointer();
            _f32View.Dispose();
        }

        if (_i8View is not null)
        {
            _i8View.SafeMemoryMappedViewHandle.ReleasePointer();
            _i8View.Dispose();
        }

        _f32File?.Dispose();
        _i8File?.Dispose();
        DisposeAll(Interlocked.Exchange(ref _int8Buffers, null));
    }
}
