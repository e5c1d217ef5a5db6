using BenchmarkDotNet.Attributes;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Benchmarks.Eval;

/// <summary>Evaluating a 225 × 1000 Cranfield BM25 run: one measure (baseline) vs. all of trec_eval's all_trec.</summary>
[MemoryDiagnoser]
public class EvaluatorBenchmarks
{
    private Qrels _qrels = new();
    private Run _run = new();
    private IReadOnlyList<Measure> _ndcg = [];

    [GlobalSetup]
    public void Setup()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lodestar-bench-" + Guid.NewGuid().ToString("N")[..8]);
        IndexWriter.Build(BenchData.CorpusPath, dir, new IndexBuildOptions());
        using (IndexReader index = IndexReader.Open(dir))
        {
            _run = new Searcher(index, new Bm25Parameters()).Search(TopicReader.Read(BenchData.QueriesPath), 1000);
        }

        Directory.Delete(dir, true);
        _qrels = QrelsFormat.Read(BenchData.QrelsPath);
        _ndcg = Measures.Parse(["ndcg_cut.10"]);
    }

    [Benchmark(Baseline = true)]
    public double NdcgAt10() => Evaluator.Evaluate(_qrels, _run, _ndcg).All[0];

    [Benchmark]
    public double AllTrec() => Evaluator.Evaluate(_qrels, _run, Measures.AllTrec).All[0];
}
