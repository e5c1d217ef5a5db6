using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Tests.Eval;

/// <summary>The measures ir_measures adds to trec_eval's (Judged@k, RBP(p=…), ERR@k, nERR@k), by their
/// ir_measures names, each against a worked example or a published implementation's output.</summary>
public class IrMeasuresTests
{
    private static Qrels Qrels(params (string Doc, int Grade)[] judgments)
    {
        var q = new Qrels();
        foreach ((string doc, int grade) in judgments)
        {
            q.TryAdd("q", doc, grade);
        }

        return q;
    }

    private static Run Ranking(params string[] docs)
    {
        var run = new Run("r");
        for (int i = 0; i < docs.Length; i++)
        {
            run.Add("q", new Hit(docs[i], docs.Length - i));
        }

        return run;
    }

    private static double Value(Qrels qrels, Run run, string name) =>
        Evaluator.Evaluate(qrels, run, Measures.Parse([MeasureNames.ToSpec(name)])).All[0];

    [Fact]
    public void Err_WorkedExample_FollowsChapelleEtAlsCascade()
    {
        // Grades 2, 0, 1 with g_max = 2: stop probabilities (2^g − 1)/2^2 = 0.75, 0, 0.25.
        // ERR@3 = 0.75/1 + (1 − 0.75)(0)/2 + (1 − 0.75)(1 − 0)(0.25)/3 = 0.75 + 0.0625/3.
        Qrels qrels = Qrels(("a", 2), ("b", 0), ("c", 1));
        Run run = Ranking("a", "b", "c");
        Assert.Equal(0.75 + (0.0625 / 3), Value(qrels, run, "ERR@3"), 12);

        // The ideal order a, c gives 0.75 + 0.25 · 0.25 / 2 = 0.78125; nERR@3 is the ratio.
        Assert.Equal((0.75 + (0.0625 / 3)) / 0.78125, Value(qrels, run, "nERR@3"), 12);
        Assert.Equal(0.75, Value(qrels, run, "ERR@1"), 12);
        Assert.Equal(1.0, Value(qrels, Ranking("a", "c", "b"), "nERR@3"), 12);
    }

    [Fact]
    public void Judged_CountsDocumentsInTheQrelsAmongTheFirstMinKRetrieved()
    {
        // ir_measures divides by min(k, |ret|) and counts any document present in the qrels, grade 0 included.
        Qrels qrels = Qrels(("a", 1), ("b", 0));
        Assert.Equal(2.0 / 3, Value(qrels, Ranking("a", "x", "b", "y"), "Judged@3"), 12);
        Assert.Equal(2.0 / 3, Value(qrels, Ranking("a", "x", "b"), "Judged@10"), 12);
        Assert.Equal("judged_10", Measures.Parse([MeasureNames.ToSpec("Judged@10")])[0].Id);
    }

    [Fact]
    public void Rbp_ByItsIrMeasuresName_EqualsTrecEvalsRbpWithTheSameP()
    {
        // trec_eval 10.0 -q -m rbp.p=0.8 tests/fixtures/trec_eval/qrels.test results.test (a published implementation):
        // 301 0.1338, 302 0.7857, 303 0.0037, all 0.3077.
        Measure m = Measures.Parse([MeasureNames.ToSpec("RBP(p=0.8)")])[0];
        Assert.Equal("rbp_p=0.8", m.Id);
        Assert.Equal("RBP(p=0.8)", MeasureNames.Display(m));
        EvalReport report = Evaluator.Evaluate(QrelsFormat.Read(Fixtures.Path("trec_eval/qrels.test")), TrecRunFormat.Read(Fixtures.Path("trec_eval/results.test")), [m]);
        Assert.Equal(["0.1338", "0.7857", "0.0037"], report.TopicIds.Select(t => TrecEvalWriter.Format4(report.Value(t, m.Id))));
        Assert.Equal("0.3077", TrecEvalWriter.Format4(report.All[0]));
    }

    [SharedFact]
    public void Judged10_IsOneMinusTrecEvalsUnj10_OnARealBrightRun()
    {
        // Every RaDeR run retrieves 100 documents per topic and BRIGHT's qrels hold no negative grades, so
        // Judged@10 = 1 − unj_10; trec_eval 10.0 -m unj.10 prints 0.7990 for biology.
        Qrels qrels = QrelsFormat.Read(Fixtures.Shared("data/bright/biology/qrels.txt"));
        Run run = BrightScoreFormat.Read(Fixtures.Shared("data/bright-runs/rader-gte-qwen2-7b/biology/gpt4_score.json"));
        EvalReport report = Evaluator.Evaluate(qrels, run, Measures.Parse(["judged.10", "unj.10"]));
        foreach (string t in report.TopicIds)
        {
            Assert.Equal(1 - report.Value(t, "unj_10"), report.Value(t, "judged_10"), 12);
        }

        Assert.Equal("0.7990", TrecEvalWriter.Format4(report["unj_10"]));
        Assert.Equal("0.2010", TrecEvalWriter.Format4(report["judged_10"]));
    }
}
