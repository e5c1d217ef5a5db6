using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Tests.Eval;

/// <summary>trec_eval details outside its test suite: tie order on the ids as written, printf rounding, Retro*'s
/// JSON runs, parameter rules of <c>-m</c>.</summary>
public class TrecEvalDetailsTests
{
    [Fact]
    public void Ties_AreOrderedOnTheIdsAsWritten_NotDecoded()
    {
        // trec_eval 10.0 on "1 Q0 d%20x 1 2.5 t" and "1 Q0 d!y 2 2.5 t" with d!y relevant prints recip_rank 0.5000:
        // ties go by strcmp descending on the raw bytes, and '%' (0x25) sorts after '!' (0x21), while the decoded
        // space (0x20) would sort before it.
        using var dir = new TempDir();
        File.WriteAllText(dir.File("q"), "1 0 d!y 1\n1 0 zz 0\n");
        File.WriteAllText(dir.File("r"), "1 Q0 d%20x 1 2.5 t\n1 Q0 d!y 2 2.5 t\n");
        EvalReport report = Evaluator.Evaluate(QrelsFormat.Read(dir.File("q")), TrecRunFormat.Read(dir.File("r")), Measures.Parse(["recip_rank"]));
        Assert.Equal(0.5, report["recip_rank"]);
    }

    [Theory]
    [InlineData(0.03125, "0.0312")]
    [InlineData(0.09375, "0.0938")]
    [InlineData(-287.0, "-287.0000")]
    [InlineData(-0.00001, "-0.0000")]
    [InlineData(1000000.0, "1000000.0000")]
    [InlineData(0.5, "0.5000")]
    public void Fixed4_MatchesGlibcPrintf(double value, string expected) => Assert.Equal(expected, TrecEvalWriter.Format4(value).Trim());

    [Fact]
    public void BrightJson_WrappedInSearchResults_IsRead()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("retro.json"), "{\"metrics\": {\"ndcg\": 0.3}, \"search_results\": {\"q1\": {\"d1\": 2.0, \"d 2\": 1.5}, \"q2\": {}}}");
        Run run = BrightScoreFormat.Read(dir.File("retro.json"));
        Assert.Equal(["q1", "q2"], run.TopicIds);
        Assert.Equal(["d1", "d 2"], run["q1"].Select(h => h.DocId));

        // A plain file whose topic happens to be called search_results stays a plain file.
        File.WriteAllText(dir.File("plain.json"), "{\"search_results\": {\"d1\": 1.0}}");
        Assert.Equal(["search_results"], BrightScoreFormat.Read(dir.File("plain.json")).TopicIds);
    }

    [Fact]
    public void MeasureParameters_FollowTrecEvalsRules()
    {
        var ignored = new List<string>();
        List<Measure> m = Measures.Parse(["P.5,7,3", "P.10", "ndcg_cut.10,20,23.4", "utility.2,-1,0,0", "runid"], ignored.Add);
        Assert.Equal(["runid", "P_3", "P_5", "P_7", "utility_2,-1,0,0", "ndcg_cut_10", "ndcg_cut_20", "ndcg_cut_23"], m.Select(x => x.Id));
        Assert.Equal(["P.10"], ignored);
        Assert.Equal(["runid", "num_q", "num_ret", "num_rel", "num_rel_ret", "map", "gm_map", "Rprec", "bpref", "recip_rank"],
            Measures.Official.Take(10).Select(x => x.Id));
        Assert.Throws<ArgumentException>(() => Measures.Parse(["P.5,5"]));
        Assert.Throws<ArgumentException>(() => Measures.Parse(["nosuch"]));
    }

    [Fact]
    public void RunAndQrels_SkipCommentLines_AndRunsIgnoreExtraFields()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("q"), "# judged by NIST\n1 0 a 1\n1 0 b#2 0\n");
        File.WriteAllText(dir.File("r"), "# run\n1 Q0 a 1 2.0 tag extra fields here\n  # indented comment\n1 Q0 b#2 2 1.0 tag\n");
        Qrels q = QrelsFormat.Read(dir.File("q"));
        Run r = TrecRunFormat.Read(dir.File("r"));
        Assert.Equal(2, q["1"].Count);
        Assert.Equal(["a", "b#2"], r["1"].Select(h => h.DocId));
        Assert.Equal("tag", r.Name);
    }
}
