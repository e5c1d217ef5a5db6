namespace Lodestar.Cli.Tests;

/// <summary>Inputs that crashed with a stack trace (issue 11): each is now a one-line error and exit 1 or 2.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, new CliContext(o, e, false, new StringReader("")));
        return (code, o.ToString(), e.ToString().ReplaceLineEndings("\n"));
    }

    private string File(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private string Index()
    {
        string corpus = File("corpus.jsonl", "{\"_id\":\"d1\",\"text\":\"moths and lamps\"}\n{\"_id\":\"d2\",\"text\":\"tax law\"}\n");
        string index = Path.Combine(_dir, "index");
        Assert.Equal(0, Run("index", corpus, "-o", index).Code);
        return index;
    }

    [Fact]
    public void Index_TextAfterTheJsonObject_IsAPositionedError()
    {
        string corpus = File("c.jsonl", "{\"_id\":\"z0\",\"text\":\"fine\"}\n{\"_id\":\"z1\",\"text\":\"ok\"} trailing\n");
        var (code, _, err) = Run("index", corpus, "-o", Path.Combine(_dir, "i"));
        Assert.Equal(1, code);
        Assert.Equal($"{corpus}:2:26: expected the end of the line after the JSON object, found more\n", err);
        Assert.False(Directory.Exists(Path.Combine(_dir, "i")));
    }

    [Fact]
    public void Search_OutputIsAFolder_IsAnErrorBeforeSearching()
    {
        string index = Index();
        string topics = File("t.tsv", "q1\tmoths\n");
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "out")).FullName;
        var (code, _, err) = Run("search", index, "--topics", topics, "-o", folder);
        Assert.Equal(1, code);
        Assert.Equal($"{folder}: expected a file to write, found a folder\n", err);
    }

    [Fact]
    public void Eval_HtmlIsAFolder_IsAnError()
    {
        string qrels = File("q.txt", "q1 0 d1 1\n");
        string run = File("r.txt", "q1 Q0 d1 1 2.0 x\n");
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "html")).FullName;
        var (code, _, err) = Run("eval", qrels, run, "--html", folder);
        Assert.Equal(1, code);
        Assert.Equal($"{folder}: expected a file to write, found a folder\n", err);
    }

    [Fact]
    public void Search_MissingIndex_SaysNotFound()
    {
        string topics = File("t.tsv", "q1\tmoths\n");
        string missing = Path.Combine(_dir, "nope");
        var (code, _, err) = Run("search", missing, "--topics", topics, "-o", Path.Combine(_dir, "r.txt"));
        Assert.Equal(1, code);
        Assert.Equal($"{missing}: index not found: no such folder\n", err);
    }

    [Fact]
    public void Explain_UnknownDocument_NamesTheIndexAndTheId()
    {
        string index = Index();
        var (code, _, err) = Run("explain", index, "--query", "moths", "--doc", "nope");
        Assert.Equal(1, code);
        Assert.Equal($"{index}: expected the id of a document in the index, found 'nope', which it does not hold\n", err);
    }

    [Fact]
    public void Regress_ListWithoutTheFolder_SaysWhereItLooked()
    {
        string missing = Path.Combine(_dir, "regressions");
        var (code, _, err) = Run("regress", "--list", "--dir", missing);
        Assert.Equal(1, code);
        Assert.Equal($"{missing}: expected the folder of regression YAML files, found no such folder (run from the repository, or give --dir)\n", err);
    }

    [Theory]
    [InlineData("--endpoint", "notaurl")]
    [InlineData("--endpoint", "ftp://127.0.0.1/")]
    public void Rerank_EndpointNotAUrl_IsAUsageError(string option, string value)
    {
        var (code, _, err) = Run("rerank", "--index", "i", "--topics", "t", "--run", "r", "-o", "o", "--model", "m", option, value);
        Assert.Equal(2, code);
        Assert.StartsWith($"lodestar: {option} expects an http:// or https:// URL such as http://127.0.0.1:30000, found '{value}'\n", err);
    }

    [Fact]
    public void Judgments_StoreNotSqlite_OrInAMissingFolder_IsAnError()
    {
        string notSqlite = File("bad.db", "this is not a database, just text that is long enough to have a header\n");
        var (code, _, err) = Run("judgments", "stats", notSqlite);
        Assert.Equal(1, code);
        Assert.Equal($"{notSqlite}: expected a judgment store (a SQLite file), found a file that is not a SQLite database\n", err);

        string missing = Path.Combine(_dir, "no", "store.db");
        (code, _, err) = Run("judgments", "stats", missing);
        Assert.Equal(1, code);
        Assert.Equal($"{missing}: expected an existing folder for the judgment store, found no folder {Path.Combine(_dir, "no")}\n", err);
        Assert.False(Directory.Exists(Path.Combine(_dir, "no")));
    }
}
