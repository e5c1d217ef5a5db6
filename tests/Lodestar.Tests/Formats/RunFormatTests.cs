using FsCheck;
using FsCheck.Fluent;
using Lodestar.Errors;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Tests.Formats;

public class RunFormatTests
{
    private static readonly Gen<string> s_id =
        Gen.Elements("a", "b", "doc 1", "Earth%27s_core.txt", "leetcode/p 7.txt", "Ünï", "50%", "q\tz", "42", "%2").Select(s => s);

    private static Gen<Run> RunGen() =>
        from topics in Gen.Choose(1, 4)
        from entries in Gen.ListOf(
            from t in Gen.Choose(1, topics)
            from d in s_id
            from sc in Gen.Choose(-1000, 1000)
            select (t, d, sc))
        select Build(entries);

    private static Run Build(IEnumerable<(int Topic, string Doc, int Score)> entries)
    {
        var run = new Run("tag");
        var seen = new HashSet<(int, string)>();
        foreach ((int topic, string doc, int score) in entries)
        {
            if (seen.Add((topic, doc)))
            {
                run.Add($"t{topic}", new Hit(doc, score / 7.0));
            }
        }

        if (run.Count == 0)
        {
            run.Add("t1", new Hit("only", 1));
        }

        return run;
    }

    private static void AssertSame(Run expected, Run actual)
    {
        Assert.Equal(expected.TopicIds, actual.TopicIds);
        foreach (string t in expected.TopicIds)
        {
            Assert.Equal(expected[t], actual[t]);
        }
    }

    [Fact]
    public void TrecAndBrightJson_RoundTrip_AnyIds()
    {
        using var dir = new TempDir();
        Prop.ForAll(RunGen().ToArbitrary(), run =>
        {
            TrecRunFormat.Write(dir.File("r.trec"), run);
            AssertSame(run, TrecRunFormat.Read(dir.File("r.trec")));
            BrightScoreFormat.Write(dir.File("r.json"), run);
            AssertSame(run, BrightScoreFormat.Read(dir.File("r.json")));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TrecRun_IdWithLiteralEscape_IsRefusedNotCorrupted()
    {
        using var dir = new TempDir();
        var run = new Run();
        run.Add("1", new Hit("a%20b", 1));
        var e = Assert.Throws<ArgumentException>(() => TrecRunFormat.Write(dir.File("r.txt"), run));
        Assert.StartsWith("id 'a%20b' contains '%20'", e.Message);
        Assert.False(File.Exists(dir.File("r.txt")));
    }

    [Fact]
    public void Qrels_RoundTrip()
    {
        using var dir = new TempDir();
        var qrels = new Qrels();
        qrels.TryAdd("1", "doc with space", 2);
        qrels.TryAdd("1", "d2", 0);
        qrels.TryAdd("2", "d%3", -1);
        QrelsFormat.Write(dir.File("q.txt"), qrels);
        Qrels back = QrelsFormat.Read(dir.File("q.txt"));
        Assert.Equal(2, back["1"]["doc with space"]);
        Assert.Equal(-1, back["2"]["d%3"]);
        Assert.Equal(["1", "2"], back.TopicIds);
    }

    [Theory]
    [InlineData("1 Q0 d1 1 2.5\n", "r.txt:1:1: expected 6 fields 'topic Q0 docid rank score tag', found 5")]
    [InlineData("1 Q0 d1 1 high run\n", "r.txt:1:11: expected a finite number for the score, found 'high'")]
    [InlineData("1 Q0 d1 1 NaN run\n", "r.txt:1:11: expected a finite number for the score, found 'NaN'")]
    [InlineData("1 Q0 d1 1 2 run\n1 Q0 d1 2 1 run\n", "r.txt:2:6: expected each document once per topic, found 'd1' for topic '1' again (first on line 1)")]
    [InlineData("1 Q0 a 1 2 run\n2 Q0 b 1 2 run\n2 Q0  b 2 1 run\n1 Q0 a 2 1 run\n", "r.txt:3:7: expected each document once per topic, found 'b' for topic '2' again (first on line 2)")]
    [InlineData("1 Q0 x%20y 1 2 run\n1 Q0 z 2 1 run\n1 Q0 x%20y 3 0 run\n", "r.txt:3:6: expected each document once per topic, found 'x y' for topic '1' again (first on line 1)")]
    [InlineData("\n", "r.txt: expected a TREC run ('topic Q0 docid rank score tag' lines), found an empty file")]
    public void TrecRun_BadLine_ReportsPosition(string content, string message)
    {
        using var dir = new TempDir();
        string path = dir.Write("r.txt", content);
        var e = Assert.Throws<InputException>(() => TrecRunFormat.Read(path));
        Assert.Equal(message.Replace("r.txt", path), e.Message);
    }

    [Theory]
    [InlineData("1 0 d1\n", "q.txt:1:1: expected 4 fields 'topic iteration docid grade', found 3")]
    [InlineData("1 0 d1 yes\n", "q.txt:1:8: expected an integer for the grade, found 'yes'")]
    [InlineData("1 0 d1 1\n1 0 d1 0\n", "q.txt:2:5: expected each document judged once per topic, found 'd1' for topic '1' again")]
    [InlineData("é 0 d1 1\né 0 d1 0\n", "q.txt:2:5: expected each document judged once per topic, found 'd1' for topic 'é' again")] // columns in characters
    [InlineData("é 0 d1 yes\n", "q.txt:1:8: expected an integer for the grade, found 'yes'")]
    [InlineData("1 0 x%20y 1\n1 0 z 1\n1 0 x%20y 0\n", "q.txt:3:5: expected each document judged once per topic, found 'x y' for topic '1' again")]
    public void Qrels_BadLine_ReportsPosition(string content, string message)
    {
        using var dir = new TempDir();
        string path = dir.Write("q.txt", content);
        var e = Assert.Throws<InputException>(() => QrelsFormat.Read(path));
        Assert.Equal(message.Replace("q.txt", path), e.Message);
    }

    [Fact]
    public void BrightJson_BadScore_ReportsLineAndColumn()
    {
        using var dir = new TempDir();
        string path = dir.Write("s.json", "{\n  \"1\": {\n    \"d1\": \"high\"\n  }\n}\n");
        var e = Assert.Throws<InputException>(() => BrightScoreFormat.Read(path));
        Assert.Equal($"{path}:3:11: expected a finite number for the score of 'd1', found String", e.Message);
    }

    [Fact]
    public void Parsers_ArbitraryBytes_ReturnDataOrInputException()
    {
        using var dir = new TempDir();
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            string path = dir.File("fuzz");
            File.WriteAllBytes(path, bytes);
            foreach (Action parse in new Action[]
            {
                () => TrecRunFormat.Read(path), () => QrelsFormat.Read(path), () => BrightScoreFormat.Read(path),
                () => TopicReader.Read(path), () => CorpusReader.Read(path).ToList(),
            })
            {
                try
                {
                    parse();
                }
                catch (InputException e)
                {
                    Assert.StartsWith(path, e.Message);
                }
            }
        }).QuickCheckThrowOnFailure();
    }
}
