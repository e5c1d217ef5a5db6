using BenchmarkDotNet.Attributes;
using Lodestar.Index;

namespace Lodestar.Benchmarks.Index;

/// <summary>
/// Builds the Cranfield index (1,400 documents, English analyzer) with one and two workers, and fetches texts from its
/// document store: 1,400 in order (neighbours share a block) and 1,400 at random (mostly one block per fetch).
/// </summary>
[MemoryDiagnoser]
public class IndexBuildBenchmarks
{
    private string _dir = "";
    private IndexReader? _index;
    private int[] _random = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lodestar-bench-" + Guid.NewGuid().ToString("N")[..8]);
        IndexWriter.Build(BenchData.CorpusPath, Path.Combine(_dir, "fixed"), new IndexBuildOptions());
        _index = IndexReader.Open(Path.Combine(_dir, "fixed"));
        var rng = new Random(1);
        _random = [.. Enumerable.Range(0, _index.DocumentCount).Select(_ => rng.Next(_index.DocumentCount))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index?.Dispose();
        Directory.Delete(_dir, true);
    }

    [Benchmark]
    [Arguments(1)]
    [Arguments(2)]
    public long Build(int threads) =>
        IndexWriter.Build(BenchData.CorpusPath, Path.Combine(_dir, "built"), new IndexBuildOptions { Threads = threads, Overwrite = true }).Tokens;

    [Benchmark]
    public int FetchInOrder()
    {
        int chars = 0;
        for (int doc = 0; doc < _index!.DocumentCount; doc++)
        {
            chars += _index.GetText(doc).Length;
        }

        return chars;
    }

    [Benchmark]
    public int FetchAtRandom() => _random.Sum(doc => _index!.GetText(doc).Length);
}
