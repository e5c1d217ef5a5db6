using FsCheck;
using FsCheck.Fluent;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Tests.Eval;

public class EvaluatorTests
{
    private static readonly Gen<(Qrels Qrels, Run Run)> s_case =
        from topics in Gen.Choose(1, 3)
        from judged in Gen.ListOf(Gen.Zip(Gen.Choose(1, topics), Gen.Choose(0, 30)).Select(x => x).Zip(Gen.Choose(-1, 3)))
        from ranked in Gen.ListOf(Gen.Zip(Gen.Choose(1, topics), Gen.Choose(0, 30)).Zip(Gen.Choose(0, 5)))
        select Build(judged, ranked);

    private static (Qrels, Run) Build(IEnumerable<((int, int), int)> judged, IEnumerable<((int, int), int)> ranked)
    {
        var qrels = new Qrels();
        qrels.TryAdd("t1", "d0", 1);
        foreach (((int t, int d), int g) in judged)
        {
            qrels.TryAdd($"t{t}", $"d{d}", g);
        }

        var run = new Run("r");
        var seen = new HashSet<(int, int)>();
        foreach (((int t, int d), int s) in ranked)
        {
            if (seen.Add((t, d)))
            {
                run.Add($"t{t}", new Hit($"d{d}", s));
            }
        }

        run.Add("t1", new Hit("d999", -1));
        return (qrels, run);
    }

    [Fact]
    public void LargeRun_EvaluatedInParallel_EqualsEachTopicEvaluatedAlone()
    {
        // 120 topics x 1,000 hits is above the threshold (topics in parallel); each topic alone is below it (on the
        // calling thread). Graded judgments and a gain map exercise the cached ideal gains per ranking.
        var rng = new Random(7);
        var qrels = new Qrels();
        var run = new RunColumns("r");
        for (int t = 0; t < 120; t++)
        {
            for (int d = 0; d < 60; d++)
            {
                qrels.TryAdd($"q{t}", $"doc{rng.Next(2000)}", rng.Next(-1, 4));
            }

            TopicColumns topic = run.GetOrAdd($"q{t}");
            foreach (int d in Enumerable.Range(0, 2000).OrderBy(_ => rng.Next()).Take(1000))
            {
                topic.Add(System.Text.Encoding.UTF8.GetBytes($"doc{d}"), Math.Round(rng.NextDouble(), 2), topic.Count + 1);
            }
        }

        Assert.True(120 * 1000 >= Evaluator.ParallelThreshold && 1000 < Evaluator.ParallelThreshold);
        List<Measure> measures = [.. Measures.AllTrec, .. Measures.Parse(["ndcg_cut.5,10", "ndcg.1=0.5,2=4,3=2"])];
        EvalReport all = Evaluator.Evaluate(qrels, run, measures);
        foreach (string id in all.TopicIds)
        {
            var one = new RunColumns("r");
            TopicColumns source = run[id], copy = one.GetOrAdd(id);
            for (int i = 0; i < source.Count; i++)
            {
                copy.Add(source.DocIdBytes(i), source.Score(i), source.Line(i));
            }

            EvalReport alone = Evaluator.Evaluate(qrels, one, measures);
            Assert.Equal(alone.PerTopic[id], all.PerTopic[id]);
        }
    }

    [Fact]
    public void ColumnsRanking_KeySortedWithTies_EqualsTheComparisonSortOfHits()
    {
        // Few distinct scores (ties everywhere, +0 and -0 among them, NaN in some topics) and ids whose byte order
        // differs from their length order: the key sort plus the per-tie id sort (8-byte keys, as deep as the ids go)
        // gives trec_eval's order exactly.
        var rng = new Random(11);
        double[] scores = [0.0, -0.0, 1, 2.5, -3, 1e-300, double.NaN];
        for (int t = 0; t < 200; t++)
        {
            var judgments = new Dictionary<string, int>(StringComparer.Ordinal);
            var columns = new TopicColumns();
            var hits = new List<Hit>();
            int count = rng.Next(0, 60);
            bool nan = t % 5 == 0;
            foreach (int d in Enumerable.Range(0, 100).OrderBy(_ => rng.Next()).Take(count))
            {
                // short ids, ids equal in their first 8 bytes, ids equal in their first 24, and ids that end exactly
                // where an 8-byte key does, one a prefix of the others
                string id = (d % 6) switch
                {
                    0 => $"d{d}",
                    1 => $"D-{d * 7}",
                    2 => $"é{d}",
                    3 => $"Pony/{d % 4}_long_shared_prefix_{d}",
                    4 => $"Pony/2_p{d % 3}x{d}",
                    _ => d == 5 ? "01234567" : d == 11 ? "0123456701234567" : $"01234567{d}",
                };
                double score = scores[rng.Next(nan ? scores.Length : scores.Length - 1)];
                columns.Add(System.Text.Encoding.UTF8.GetBytes(id), score, columns.Count + 1);
                hits.Add(new Hit(id, score));
                if (rng.Next(3) == 0)
                {
                    judgments[id] = rng.Next(-1, 4);
                }
            }

            int maxDocs = t % 7 == 0 ? 10 : int.MaxValue;
            Assert.Equal(JudgedRanking.Create(hits, judgments, 1, maxDocs).Grades, JudgedRanking.Create(columns, judgments, 1, maxDocs).Grades);
        }
    }

    [Fact]
    public void EveryMeasure_StaysInZeroOne_AndIdealRankingGetsNdcgOne()
    {
        Prop.ForAll(s_case.ToArbitrary(), c =>
        {
            EvalReport report = Evaluator.Evaluate(c.Qrels, c.Run, Measures.AllTrec, new EvalOptions { CompleteQueries = true });
            for (int m = 0; m < report.Measures.Count; m++)
            {
                Measure measure = report.Measures[m];
                if (measure.Aggregation == Aggregation.Mean && measure.Family != "utility")
                {
                    Assert.InRange(report.All[m], 0, 1 + 1e-12);
                }
            }

            var ideal = new Run("ideal");
            foreach (string t in c.Qrels.TopicIds)
            {
                var judged = c.Qrels[t].Where(j => j.Value > 0).OrderByDescending(j => j.Value).ToList();
                for (int i = 0; i < judged.Count; i++)
                {
                    ideal.Add(t, new Hit(judged[i].Key, 1000 - i));
                }
            }

            if (ideal.Count > 0)
            {
                EvalReport best = Evaluator.Evaluate(c.Qrels, ideal, Measures.Parse(["ndcg", "ndcg_cut.10"]));
                Assert.All(best.TopicIds, t => Assert.Equal(1.0, best.Value(t, "ndcg"), 12));
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Result_DoesNotDependOnLineOrder()
    {
        using var dir = new TempDir();
        Prop.ForAll(s_case.ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (c, shuffleSeed) =>
        {
            QrelsFormat.Write(dir.File("q"), c.Qrels);
            TrecRunFormat.Write(dir.File("r"), c.Run);
            var rng = new Random(shuffleSeed);
            File.WriteAllLines(dir.File("q2"), File.ReadAllLines(dir.File("q")).OrderBy(_ => rng.Next()));
            File.WriteAllLines(dir.File("r2"), File.ReadAllLines(dir.File("r")).OrderBy(_ => rng.Next()));
            EvalReport a = Evaluator.Evaluate(QrelsFormat.Read(dir.File("q")), TrecRunFormat.Read(dir.File("r")), Measures.AllTrec);
            EvalReport b = Evaluator.Evaluate(QrelsFormat.Read(dir.File("q2")), TrecRunFormat.Read(dir.File("r2")), Measures.AllTrec);
            Assert.Equal(a.All, b.All);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Ties_AreBrokenByDocIdDescending_LikeTrecEval()
    {
        var qrels = new Qrels();
        qrels.TryAdd("1", "b", 1);
        var run = new Run();
        run.Add("1", new Hit("a", 1.0));
        run.Add("1", new Hit("b", 1.0));
        run.Add("1", new Hit("c", 1.0 + 1e-9)); // equal to the others once read as a 32-bit float, as trec_eval reads it
        EvalReport report = Evaluator.Evaluate(qrels, run, Measures.Parse(["recip_rank"]));
        Assert.Equal(0.5, report["recip_rank"]); // order: c, b, a
    }

    [Fact]
    public void MaxDocs_And_RelevanceLevel_FollowTrecEval()
    {
        var qrels = new Qrels();
        qrels.TryAdd("1", "x", 2);
        qrels.TryAdd("1", "y", 1);
        var run = new Run();
        run.Add("1", new Hit("y", 3));
        run.Add("1", new Hit("z", 2));
        run.Add("1", new Hit("x", 1));
        Assert.Equal(1.0 / 3, Evaluator.Evaluate(qrels, run, Measures.Parse(["recip_rank"]), new EvalOptions { RelevanceLevel = 2 })["recip_rank"], 12);
        Assert.Equal(0.5, Evaluator.Evaluate(qrels, run, Measures.Parse(["recall.1000"]), new EvalOptions { MaxDocsPerTopic = 2 })["recall_1000"]);
    }

    [Fact]
    public void CompleteQueries_AveragesOverQrelsTopics()
    {
        var qrels = new Qrels();
        qrels.TryAdd("1", "a", 1);
        qrels.TryAdd("2", "b", 1);
        var run = new Run();
        run.Add("1", new Hit("a", 1));
        Assert.Equal(1.0, Evaluator.Evaluate(qrels, run, Measures.Parse(["map"]))["map"]);
        Assert.Equal(0.5, Evaluator.Evaluate(qrels, run, Measures.Parse(["map"]), new EvalOptions { CompleteQueries = true })["map"]);
    }

    [Theory]
    [InlineData(0.03125, "0.0312")]
    [InlineData(0.09375, "0.0938")]
    [InlineData(0.44513, "0.4451")]
    [InlineData(-93.45631, "-93.4563")]
    public void Format4_RoundsLikePrintf(double value, string expected) => Assert.Equal(expected, TrecEvalWriter.Format4(value).Trim());

    [Fact]
    public void Significance_KnownValues()
    {
        double[] a = [0.5, 0.6, 0.7, 0.8, 0.9, 0.65];
        double[] b = [0.4, 0.55, 0.5, 0.7, 0.85, 0.6];
        // t = 3.841367, 5 df; p = 2∫_t^∞ f_t(x)dx = 0.0121069 by direct numerical integration of Student's density.
        Assert.Equal(0.0121069, Significance.PairedTTest(a, b), 6);
        Assert.Equal(1.0, Significance.PairedTTest(a, a));
        double p = Significance.RandomizationTest(a, b, 20_000, 1);
        Assert.InRange(p, 0.02, 0.05); // exact: 2 of 64 sign patterns reach the observed sum → 0.03125
        Assert.Equal([0.03, 0.04, 0.04], Significance.Holm([0.01, 0.04, 0.02]).Select(x => Math.Round(x, 10)));
    }
}
