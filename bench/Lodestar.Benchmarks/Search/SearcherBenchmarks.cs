using BenchmarkDotNet.Attributes;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Benchmarks.Search;

/// <summary>All 225 Cranfield queries, top 1000, one thread: BRIGHT-mode vs. Lucene-mode BM25.</summary>
[MemoryDiagnoser]
public class SearcherBenchmarks
{
    private string _dir = "";
    private IndexReader? _index;
    private Searcher? _bright;
    private Searcher? _lucene;
    private List<Topic> _topics = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "lodestar-bench-" + Guid.NewGuid().ToString("N")[..8]);
        IndexWriter.Build(BenchData.CorpusPath, _dir, new IndexBuildOptions());
        _index = IndexReader.Open(_dir);
        _bright = new Searcher(_index, new Bm25Parameters(Bm25Mode.Bright));
        _lucene = new Searcher(_index, new Bm25Parameters(Bm25Mode.Lucene));
        _topics = TopicReader.Read(BenchData.QueriesPath);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _index?.Dispose();
        Directory.Delete(_dir, true);
    }

    [Benchmark(Baseline = true)]
    public int Bright() => _topics.Sum(t => _bright!.Search(t, 1000).Count);

    [Benchmark]
    public int Lucene() => _topics.Sum(t => _lucene!.Search(t, 1000).Count);
}
