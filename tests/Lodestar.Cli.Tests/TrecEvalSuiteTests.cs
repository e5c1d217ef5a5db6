namespace Lodestar.Cli.Tests;

/// <summary>
/// trec_eval's own <c>make quicktest</c>: every line of its Makefile, run through <c>lodestar eval --format
/// trec_eval</c> with the same flags, must print the expected file byte for byte (tests/fixtures/trec_eval).
/// </summary>
public class TrecEvalSuiteTests
{
    private static readonly string s_dir = Path.Combine(AppContext.BaseDirectory, "fixtures", "trec_eval");

    /// <summary>The Makefile's quicktest lines: expected output, then trec_eval's arguments.</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "out.test", "qrels.test results.test" },
        { "out.test", "qrels.test.with-comments results.test" },
        { "out.comment.test", "qrels.comment.test results.comment.test" },
        { "out.test.a", "-m all_trec qrels.test results.test" },
        { "out.test.aq", "-m all_trec -q qrels.test results.test" },
        { "out.test.aqc", "-m all_trec -q -c qrels.test results.trunc" },
        { "out.test.aqcM", "-m all_trec -q -c -M100 qrels.test results.trunc" },
        { "out.test.aql", "-m all_trec -mrelstring.20 -q -l2 qrels.rel_level results.test" },
        { "out.test.prefs", "-m all_prefs -q -R prefs prefs.test prefs.results.test" },
        { "out.test.prefs", "-m all_prefs -q -R prefs prefs.comment.test prefs.results.test" },
        { "out.test.qrels_prefs", "-m all_prefs -q -R qrels_prefs qrels.test results.test" },
        { "out.test.qrels_jg", "-m qrels_jg -q -R qrels_jg qrels.123 results.test" },
        { "out.test.qrels_jg", "-m qrels_jg -q -R qrels_jg qrels.comments.123 results.test" },
        {
            "out.test.meas_params",
            "-q -miprec_at_recall..10,.20,.25,.75,.50 -m P.5,7,3 -m recall.20,2000 -m Rprec_mult.5.0,0.2,0.35 -mutility.2,-1,0,0 " +
            "-m 11pt_avg..25,.5,.75 -mndcg.1=3,2=9,4=4.5 -mndcg_cut.10,20,23.4 -msuccess.2,5,20 qrels.test results.test"
        },
        { "out.test.aqZ", "-q -m all_trec -Z zscores_file qrels.test results.test" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Makefile_Line_PrintsTheExpectedFileByteForByte(string expected, string arguments)
    {
        string[] args = ["eval", "--format", "trec_eval", .. arguments.Split(' ').Select(Fixture)];
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, new CliContext(output, error, false, new StringReader("")));
        Assert.True(code == 0, $"exit {code}: {error}");
        string want = File.ReadAllText(Path.Combine(s_dir, expected));
        string got = output.ToString();
        if (want != got)
        {
            string[] w = want.Split('\n');
            string[] g = got.Split('\n');
            int first = Enumerable.Range(0, Math.Min(w.Length, g.Length)).FirstOrDefault(i => w[i] != g[i], Math.Min(w.Length, g.Length));
            Assert.Fail($"{expected}: first difference on line {first + 1}: expected [{(first < w.Length ? w[first] : "<end>")}] got [{(first < g.Length ? g[first] : "<end>")}] ({w.Length} vs {g.Length} lines)");
        }
    }

    [Fact]
    public void UnknownRelFormat_IsAUsageError()
    {
        var error = new StringWriter();
        int code = Cli.Run(["eval", "-R", "trec_xml", Fixture("qrels.test"), Fixture("results.test")], new CliContext(new StringWriter(), error, false, new StringReader("")));
        Assert.Equal(2, code);
        Assert.Contains("trec_xml", error.ToString());
    }

    // A fixture name becomes its path (the large inputs are stored gzipped); flags stay as they are.
    private static string Fixture(string arg)
    {
        string path = Path.Combine(s_dir, arg);
        return File.Exists(path) ? path : File.Exists(path + ".gz") ? path + ".gz" : arg;
    }
}
