using BenchmarkDotNet.Attributes;
using Lodestar.Dense;
using Lodestar.Dense.Native;

namespace Lodestar.Benchmarks.Dense;

/// <summary>
/// Batched int8 search (scan plus float32 rescoring of 10·k) of 256 queries over 50,000 random unit vectors × 384, k = 10,
/// 2 threads: the managed AVX-VNNI kernel against the native AVX-512 VNNI one (skipped where it cannot load), and
/// float32 batched as the reference (docs/decisions/dense-kernel.md).
/// </summary>
public class Int8ScanBenchmarks
{
    private const int Dim = 384;
    private string _dir = "";
    private VectorIndex? _index;
    private Int8BatchKernel? _native;
    private float[][] _queries = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lodestar-bench-int8-" + Guid.NewGuid().ToString("N")[..8]);
        var random = new Random(1);
        float[] Unit()
        {
            float[] v = [.. Enumerable.Range(0, Dim).Select(_ => (float)(random.NextDouble() - 0.5))];
            float norm = MathF.Sqrt(v.Sum(x => x * x));
            return [.. v.Select(x => x / norm)];
        }

        using (var writer = new VectorIndexWriter(_dir, Dim, int8: true))
        {
            for (int i = 0; i < 50_000; i++)
            {
                writer.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Unit());
            }

            writer.Complete("random", "plain", "{query}");
        }

        _index = VectorIndex.Open(_dir, verify: false);
        _queries = [.. Enumerable.Range(0, 256).Select(_ => Unit())];
        (_native, string why) = NativeInt8Kernel.Create(choice: "auto");
        Console.WriteLine($"// native int8 kernel: {_native?.Name ?? why}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index?.Dispose();
        Directory.Delete(_dir, true);
    }

    [Benchmark]
    public int Float32() => _index!.SearchMany(_queries, 10, threads: 2).Length;

    [Benchmark(Baseline = true)]
    public int Int8Managed() => _index!.SearchManyInt8(_queries, 10, 10, 2, kernel: null).Length;

    [Benchmark]
    public int Int8Native() => _native is null ? 0 : _index!.SearchManyInt8(_queries, 10, 10, 2, _native).Length;
}
