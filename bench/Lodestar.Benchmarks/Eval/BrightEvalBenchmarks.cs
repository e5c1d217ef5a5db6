using BenchmarkDotNet.Attributes;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Benchmarks.Eval;

/// <summary>
/// All of BRIGHT: 12 tasks, 1,384 topics × 1,000 documents, 20 measures. The runs are the RaDeR runs in ../shared
/// (100 per topic), each topic padded to 1,000 with the task's other retrieved ids at lower scores.
/// </summary>
[MemoryDiagnoser]
public class BrightEvalBenchmarks
{
    private readonly List<(Qrels Qrels, Run Run)> _tasks = [];
    private IReadOnlyList<Measure> _twenty = [];
    private IReadOnlyList<Measure> _one = [];

    [GlobalSetup]
    public void Setup()
    {
        string shared = Path.Combine(BenchData.Root, "..", "shared", "data");
        foreach (string task in Directory.GetDirectories(Path.Combine(shared, "bright")).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(task);
            Qrels qrels = QrelsFormat.FromGold(TopicReader.Read(Path.Combine(task, "examples.jsonl.gz")), false);
            Run original = BrightScoreFormat.Read(Path.Combine(shared, "bright-runs", "rader-gte-qwen2-7b", name, "gpt4_score.json"));
            string[] pool = [.. original.TopicIds.SelectMany(t => original[t].Select(h => h.DocId)).Distinct()];
            var run = new Run(name);
            foreach (string t in original.TopicIds)
            {
                var hits = original[t].ToList();
                var seen = hits.Select(h => h.DocId).ToHashSet();
                for (int i = 0; hits.Count < 1000 && i < pool.Length; i++)
                {
                    if (seen.Add(pool[i]))
                    {
                        hits.Add(new Hit(pool[i], -1 - hits.Count));
                    }
                }

                run.Set(t, hits);
            }

            _tasks.Add((qrels, run));
        }

        _twenty = Measures.Parse(["ndcg_cut.1,5,10,25,50,100", "map_cut.1,5,10,25,50,100", "recall.1,5,10,25,50,100", "P.10", "recip_rank"]);
        _one = Measures.Parse(["ndcg_cut.10"]);
    }

    [Benchmark(Baseline = true)]
    public double OneMeasure() => _tasks.Sum(t => Evaluator.Evaluate(t.Qrels, t.Run, _one).All[0]);

    [Benchmark]
    public double TwentyMeasures() => _tasks.Sum(t => Evaluator.Evaluate(t.Qrels, t.Run, _twenty).All[0]);
}
