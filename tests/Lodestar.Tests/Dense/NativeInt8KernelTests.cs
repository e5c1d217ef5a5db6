using Lodestar.Dense;
using Lodestar.Dense.Native;

namespace Lodestar.Tests;

/// <summary>
/// The native AVX-512 VNNI int8 kernel (Lodestar.Dense.Native) against the managed one: every int32 dot equal at
/// edge sizes and byte extremes, and batched search returning the same rows and bit-identical scores. Where the CPU
/// lacks AVX-512 VNNI the kernel must decline and say so; where it has it, the library must have been built.
/// </summary>
public sealed unsafe class NativeInt8KernelTests
{
    private static bool CpuHasAvx512Vnni =>
        File.Exists("/proc/cpuinfo") && File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("flags", StringComparison.Ordinal)
            && l.Split(' ').Contains("avx512_vnni") && l.Split(' ').Contains("avx512bw"));

    /// <summary>The kernel, or null after checking that it declined for the right reason.</summary>
    private static Int8BatchKernel? Kernel()
    {
        (Int8BatchKernel? kernel, string why) = NativeInt8Kernel.Create(AppContext.BaseDirectory, choice: "auto");
        if (CpuHasAvx512Vnni && OperatingSystem.IsLinux())
        {
            Assert.True(kernel is not null, $"the CPU has AVX-512 VNNI but the native kernel did not load: {why}");
        }
        else
        {
            Assert.Null(kernel);
            Assert.NotEmpty(why);
        }

        return kernel;
    }

    [Fact]
    public void It_declines_when_forced_off_or_absent()
    {
        (Int8BatchKernel? off, string why) = NativeInt8Kernel.Create(AppContext.BaseDirectory, choice: "managed");
        Assert.Null(off);
        Assert.Equal("LODESTAR_DENSE_KERNEL=managed", why);
        (Int8BatchKernel? absent, string whyAbsent) = NativeInt8Kernel.Create(Path.Combine(AppContext.BaseDirectory, "no-such-folder"), choice: "auto");
        Assert.Null(absent);
        Assert.Equal("no liblodestar_dense.so beside the application", whyAbsent);
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(15, 3, 0)]
    [InlineData(17, 5, 0)]
    [InlineData(63, 63, 0)]
    [InlineData(64, 64, 0)]
    [InlineData(65, 65, 0)]
    [InlineData(130, 100, 0)]
    [InlineData(511, 384, 0)]
    [InlineData(512, 384, 1)]
    [InlineData(129, 1000, 1)]
    [InlineData(70, 1000, 2)]
    [InlineData(33, 385, 2)]
    [InlineData(48, 128, 1)]
    [InlineData(33, 132, 0)]
    public void Every_dot_equals_the_managed_kernels(int rows, int d, int extremes)
    {
        Int8BatchKernel? kernel = Kernel();
        if (kernel is null)
        {
            return;
        }

        // extremes 0: random bytes; 1: only ±127; 2: only −128 and 127 (|Σ| up to 128² · 1000 = 16.4 M < 2^24, so the
        // float score with unit scales is the integer itself)
        const int queries = 13; // two tiles of 6 and one query over
        int stride = (d + 63) / 64 * 64;
        var random = new Random((rows * 7919) + d + extremes);
        sbyte Byte() => extremes switch
        {
            0 => (sbyte)random.Next(-128, 128),
            1 => (sbyte)(random.Next(2) == 0 ? -127 : 127),
            _ => (sbyte)(random.Next(2) == 0 ? -128 : 127),
        };
        sbyte[] r = [.. Enumerable.Range(0, rows * d).Select(_ => Byte())];
        var q = new sbyte[queries * stride];
        var sums = new int[queries];
        for (int j = 0; j < queries; j++)
        {
            for (int i = 0; i < d; i++)
            {
                q[(j * stride) + i] = Byte();
                sums[j] += q[(j * stride) + i];
            }
        }

        float[] scales = [.. Enumerable.Repeat(1f, rows)], queryScales = [.. Enumerable.Repeat(1f, queries)];
        float[] thresholds = [.. Enumerable.Repeat(float.NegativeInfinity, queries)];
        var packed = new byte[kernel.PackedBytes(rows, d) + 64];
        int capacity = 6 * rows; // one tile of queries per call: the calls must advance and resume
        var found = new List<Int8Candidate>();
        var output = new Int8Candidate[capacity];
        fixed (sbyte* rp = r)
        fixed (sbyte* qp = q)
        fixed (byte* pp = packed)
        fixed (int* sp = sums)
        fixed (float* scale = scales, queryScale = queryScales, threshold = thresholds)
        fixed (Int8Candidate* op = output)
        {
            byte* aligned = (byte*)(((nint)pp + 63) & ~(nint)63);
            kernel.Pack(rp, rows, d, aligned);
            int next = 0, calls = 0;
            while (next < queries)
            {
                int n = kernel.Scan(aligned, rows, d, 1000, scale, qp, stride, sp, queryScale, threshold, ref next, queries, op, capacity);
                found.AddRange(output.AsSpan(0, n).ToArray());
                calls++;
            }

            Assert.Equal(3, calls);
            Assert.Equal(rows * queries, found.Count);
            foreach (IGrouping<int, Int8Candidate> perQuery in found.GroupBy(c => c.Query))
            {
                Assert.Equal(Enumerable.Range(1000, rows), perQuery.Select(c => c.Row)); // each row once, ascending
            }

            foreach (Int8Candidate c in found)
            {
                int managed = Int8Kernel.Dot(rp + ((long)(c.Row - 1000) * d), qp + ((long)c.Query * stride), d);
                Assert.Equal(managed, c.Score);
            }
        }
    }

    [Theory]
    [InlineData(384, 2)]
    [InlineData(100, 1)]
    [InlineData(65, 3)]
    public void Batched_search_is_identical_on_both_kernels(int d, int threads)
    {
        Int8BatchKernel? kernel = Kernel();
        if (kernel is null)
        {
            return;
        }

        var random = new Random(d);
        using var temp = new TempDir();
        string dir = temp.Path;
        string path = Path.Combine(dir, "v");
        float[][] docs = TestVectors.Unit(random, 5_003, d);
        docs[4_000] = docs[17]; // an exact tie: the lower row must win on both kernels
        TestVectors.Write(path, docs, int8: true);

        using VectorIndex index = VectorIndex.Open(path);
        float[][] queries = [.. TestVectors.Unit(random, 13, d), new float[d], docs[17]]; // not a multiple of either tile, a zero query, the tie
        (int Row, float Score)[][] native = index.SearchManyInt8(queries, 10, rescore: 7, threads: threads, kernel: kernel);
        (int Row, float Score)[][] managed = index.SearchManyInt8(queries, 10, rescore: 7, threads: threads, kernel: null);
        Assert.Equal(queries.Length, native.Length);
        for (int j = 0; j < queries.Length; j++)
        {
            Assert.Equal(10, native[j].Length);
            Assert.Equal(managed[j], native[j]);
            Assert.Equal(index.Search(queries[j], 10, Precision.Int8, rescore: 7, threads: threads), native[j]);
        }

        Assert.Equal(17, native[^1][0].Row);
        Assert.Contains(native[^1], h => h.Row == 4_000);
    }
}
