namespace Lodestar.Cli.Tests;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(string stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, new CliContext(o, e, false, new StringReader(stdin)));
        return (code, o.ToString(), e.ToString());
    }

    private static string Temp() => Path.Combine(Path.GetTempPath(), "lodestar-cli-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public void Analyze_StandardInput_PrintsOneTermPerLine()
    {
        var (code, output, _) = Run("Why are insects drawn to the light?", "analyze", "-");
        Assert.Equal(0, code);
        Assert.Equal("why\ninsect\ndrawn\nlight\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void IndexSearchExplain_EndToEnd_WritesTrecAndBrightRuns()
    {
        string dir = Temp();
        Directory.CreateDirectory(dir);
        try
        {
            string corpus = Path.Combine(dir, "corpus.jsonl");
            File.WriteAllText(corpus,
                "{\"id\": \"insects/Phototaxis_0.txt\", \"content\": \"Phototaxis: insects move toward light.\"}\n" +
                "{\"id\": \"so id with spaces\", \"content\": \"Moths navigate by the moon and confuse lamps with it.\"}\n" +
                "{\"id\": \"other\", \"content\": \"Tax law for small businesses.\"}\n");
            string topics = Path.Combine(dir, "topics.tsv");
            File.WriteAllText(topics, "q1\twhy are moths drawn to lamps and light\n");
            string index = Path.Combine(dir, "index");

            var (code, _, err) = Run("", "index", corpus, "-o", index);
            Assert.Equal(0, code);
            Assert.StartsWith("indexed 3 documents", err);

            (code, _, _) = Run("", "search", index, "--topics", topics, "-o", Path.Combine(dir, "run.txt"), "--k", "2");
            Assert.Equal(0, code);
            string[] lines = File.ReadAllLines(Path.Combine(dir, "run.txt"));
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("q1 Q0 so%20id%20with%20spaces 1 ", lines[0]);

            (code, _, _) = Run("", "search", index, "--topics", topics, "-o", Path.Combine(dir, "run.json"), "--bm25", "lucene");
            Assert.Equal(0, code);
            Assert.Contains("\"so id with spaces\"", File.ReadAllText(Path.Combine(dir, "run.json")));

            var (ecode, explain, _) = Run("", "explain", index, "--query", "moths lamps", "--doc", "so id with spaces");
            Assert.Equal(0, ecode);
            Assert.Contains("moth", explain);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Index_BadCorpus_PrintsCompilerStyleErrorAndExits1()
    {
        string dir = Temp();
        Directory.CreateDirectory(dir);
        try
        {
            string corpus = Path.Combine(dir, "corpus.jsonl");
            File.WriteAllText(corpus, "{\"id\": \"a\", \"content\": \"x\"}\n{\"content\": \"no id\"}\n");
            var (code, _, err) = Run("", "index", corpus, "-o", Path.Combine(dir, "index"));
            Assert.Equal(1, code);
            Assert.Equal($"{corpus}:2:1: expected an \"_id\" or \"id\" field, found none\n", err.ReplaceLineEndings("\n"));
            Assert.Empty(Directory.GetDirectories(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Search_MissingOption_IsAUsageErrorWithExit2()
    {
        var (code, _, err) = Run("", "search", "idx", "-o", "run.txt");
        Assert.Equal(2, code);
        Assert.StartsWith("lodestar: Option '--topics' is required.", err);
    }

    [Fact]
    public void Search_BadB_NamesTheRange()
    {
        var (code, _, err) = Run("", "search", "idx", "--topics", "t", "-o", "r", "--b", "1.5");
        Assert.Equal(2, code);
        Assert.StartsWith("lodestar: --b must be between 0 and 1, found 1.5", err);
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lodestar.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root");
    }

    [Fact]
    public void Regress_All_ReproducesTheCommittedCranfieldNumbers()
    {
        var (code, output, err) = Run("", "regress", "--all", "--dir", Path.Combine(RepoRoot(), "regressions"));
        Assert.True(code == 0, output + err);
        Assert.DoesNotContain("[FAIL]", output);
        Assert.Contains("[OK]   0.3205 ndcg_cut_10 bm25 bright cranfield.bm25-bright", output);
        Assert.Contains("[OK]   0.3520 ndcg_cut_10 bm25 lucene cranfield.bm25-lucene", output);
    }

    [Fact]
    public void Regress_WrongExpectation_PrintsFailAndExits1()
    {
        string dir = Temp();
        Directory.CreateDirectory(dir);
        try
        {
            string yaml = File.ReadAllText(Path.Combine(RepoRoot(), "regressions", "cranfield.bm25-bright.yaml"))
                .Replace("../data/", Path.Combine(RepoRoot(), "data") + "/", StringComparison.Ordinal)
                .Replace("ndcg_cut.10: 0.3205", "ndcg_cut.10: 0.3300", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir, "cranfield.bm25-bright.yaml"), yaml);
            var (code, output, _) = Run("", "regress", "cranfield.bm25-bright", "--dir", dir);
            Assert.Equal(1, code);
            Assert.Contains("[FAIL] expected 0.3300 actual 0.3205 ndcg_cut_10 bm25 bright cranfield.bm25-bright", output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Eval_TrecEvalFormat_IsTrecEvalsLayout()
    {
        string root = RepoRoot();
        string dir = Temp();
        Directory.CreateDirectory(dir);
        try
        {
            string run = Path.Combine(dir, "run.txt");
            File.WriteAllText(run, "1 Q0 184 1 2.0 r\n1 Q0 29 2 1.0 r\n1 Q0 5 3 0.5 r\n");
            var (code, output, err) = Run("", "eval", Path.Combine(root, "data/cranfield/qrels/test.tsv"), run, "-m", "P.5", "-m", "num_ret", "--format", "trec_eval");
            Assert.True(code == 0, err);
            // As trec_eval: no runid line unless asked for (-m runid, official, all_trec).
            Assert.Equal("num_ret               \tall\t3\nP_5                   \tall\t0.4000\n", output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Eval_LatexFormat_IsABooktabsTableWithBoldBestAndRanxStyleMarks()
    {
        string dir = Temp();
        Directory.CreateDirectory(dir);
        try
        {
            // Twelve topics; run "good_run" ranks the relevant document first everywhere, "weak" second.
            var qrels = new System.Text.StringBuilder();
            var good = new System.Text.StringBuilder();
            var weak = new System.Text.StringBuilder();
            for (int t = 1; t <= 12; t++)
            {
                qrels.Append($"{t} 0 rel{t} 1\n{t} 0 non{t} 0\n");
                good.Append($"{t} Q0 rel{t} 1 2.0 good_run\n{t} Q0 non{t} 2 1.0 good_run\n");
                weak.Append($"{t} Q0 non{t} 1 2.0 weak\n{t} Q0 rel{t} 2 1.0 weak\n");
            }

            File.WriteAllText(Path.Combine(dir, "q"), qrels.ToString());
            File.WriteAllText(Path.Combine(dir, "weak"), weak.ToString());
            File.WriteAllText(Path.Combine(dir, "good"), good.ToString());
            var (code, output, err) = Run("", "eval", Path.Combine(dir, "q"), Path.Combine(dir, "weak"), Path.Combine(dir, "good"),
                "-m", "map", "-m", "P.1", "--format", "latex", "--compare", "--permutations", "5000");
            Assert.True(code == 0, err);
            string[] lines = output.ReplaceLineEndings("\n").Split('\n');
            Assert.Equal("\\begin{tabular}{clcc}", lines[3]);
            Assert.Equal(["\\toprule", "\\# & Run & MAP & P@1 \\\\", "\\midrule"], lines[4..7]);
            Assert.Equal("a & weak & 0.5000 & 0.0000 \\\\", lines[7]);
            Assert.Equal("b & good\\_run & \\textbf{1.0000}$^{a}$ & \\textbf{1.0000}$^{a}$ \\\\", lines[8]);
            Assert.Equal("\\bottomrule", lines[9]);
            Assert.Contains("randomization test, 5,000 permutations, over the 12 topics", lines[2]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
