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
        Assert.StartsWith("lodestar: illegal b value: 1.5, must be between 0 and 1", err);
    }
}
