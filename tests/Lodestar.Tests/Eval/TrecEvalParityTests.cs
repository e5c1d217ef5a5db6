using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Tests.Eval;

/// <summary>trec_eval 10.0-rc3 output on the 12 real RaDeR runs in ../shared is the oracle.</summary>
public class TrecEvalParityTests
{
    public static TheoryData<string> Tasks() =>
    [
        "aops", "biology", "earth_science", "economics", "leetcode", "pony", "psychology", "robotics",
        "stackoverflow", "sustainable_living", "theoremqa_questions", "theoremqa_theorems",
    ];

    private static EvalReport Evaluate(string task)
    {
        Qrels qrels = QrelsFormat.Read(Fixtures.Shared($"data/bright/{task}/qrels.txt"));
        Run run = BrightScoreFormat.Read(Fixtures.Shared($"data/bright-runs/rader-gte-qwen2-7b/{task}/gpt4_score.json"));
        run.Name = "rader";
        return Evaluator.Evaluate(qrels, run, Measures.AllTrec);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void AllTrec_EqualsTrecEvalToTheLastPrintedDigit(string task)
    {
        if (Fixtures.SharedRoot is null)
        {
            return; // reference data absent: nothing to compare with (the fact below reports the skip)
        }

        EvalReport report = Evaluate(task);
        var writer = new StringWriter();
        TrecEvalWriter.Write(writer, report, perTopic: false);
        string[] expected = File.ReadAllLines(Fixtures.Shared($"data/bright-runs/rader-gte-qwen2-7b/{task}/trec_eval.all_trec.txt"));
        string[] actual = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var wrong = expected.Zip(actual).Where(p => p.First != p.Second).Select(p => $"expected [{p.First}] got [{p.Second}]").ToList();
        Assert.True(wrong.Count == 0 && expected.Length == actual.Length, $"{task}: {wrong.Count} lines differ ({expected.Length} vs {actual.Length} lines):\n" + string.Join("\n", wrong.Take(15)));
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void PerQuery_EqualsTrecEval(string task)
    {
        if (Fixtures.SharedRoot is null)
        {
            return;
        }

        EvalReport report = Evaluate(task);
        int checkedValues = 0;
        foreach (string line in File.ReadLines(Fixtures.Shared($"data/bright-runs/rader-gte-qwen2-7b/{task}/trec_eval.per_query.txt")))
        {
            string[] f = line.Split('\t');
            string measure = f[0].Trim();
            if (f[1] == "all")
            {
                continue;
            }

            Assert.Equal(f[2], TrecEvalWriter.Format4(report.Value(f[1], measure)).Trim());
            checkedValues++;
        }

        Assert.Equal(report.TopicIds.Count * 4, checkedValues);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void PerQueryAllTrec_EqualsTrecEvalByteForByte(string task)
    {
        if (Fixtures.SharedRoot is null)
        {
            return;
        }

        EvalReport report = Evaluate(task);
        var writer = new StringWriter();
        TrecEvalWriter.Write(writer, report, perTopic: true);
        using var golden = new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(Fixtures.Path($"trec_eval/bright/{task}.q.all_trec.txt.gz")), System.IO.Compression.CompressionMode.Decompress));
        string[] expected = golden.ReadToEnd().Split('\n');
        string[] actual = writer.ToString().Split('\n');
        var wrong = expected.Zip(actual).Where(p => p.First != p.Second).Select(p => $"expected [{p.First}] got [{p.Second}]").ToList();
        Assert.True(wrong.Count == 0 && expected.Length == actual.Length, $"{task}: {wrong.Count} lines differ ({expected.Length} vs {actual.Length} lines):\n" + string.Join("\n", wrong.Take(15)));
        Assert.True(expected.Length > 90 * report.TopicIds.Count, $"{expected.Length} lines for {report.TopicIds.Count} topics");
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void PerQueryAllTrec_FromColumns_EqualsTheHitPath(string task)
    {
        if (Fixtures.SharedRoot is null)
        {
            return;
        }

        // The run as a TREC file (ids with spaces escaped as %20, as trec_eval read it), evaluated from columns.
        Run run = BrightScoreFormat.Read(Fixtures.Shared($"data/bright-runs/rader-gte-qwen2-7b/{task}/gpt4_score.json"));
        string path = Path.Combine(Path.GetTempPath(), $"columns-{task}-{Guid.NewGuid():N}.run");
        try
        {
            TrecRunFormat.Write(path, run);
            RunColumns columns = TrecRunFormat.ReadColumns(path);
            columns.Name = "rader";
            var fromColumns = new StringWriter();
            TrecEvalWriter.Write(fromColumns, Evaluator.Evaluate(QrelsFormat.Read(Fixtures.Shared($"data/bright/{task}/qrels.txt")), columns, Measures.AllTrec), perTopic: true);
            var fromHits = new StringWriter();
            TrecEvalWriter.Write(fromHits, Evaluate(task), perTopic: true);
            Assert.Equal(fromHits.ToString(), fromColumns.ToString());

            // The same file evaluated as it streams in, one topic at a time (what `lodestar eval` does for a task's run).
            Assert.True(new FileInfo(path).Length < Evaluator.StreamingLimitBytes);
            var streamed = new StringWriter();
            TrecEvalWriter.Write(streamed, Evaluator.EvaluateFile(QrelsFormat.Read(Fixtures.Shared($"data/bright/{task}/qrels.txt")), path, Measures.AllTrec, runName: "rader"), perTopic: true);
            Assert.Equal(fromHits.ToString(), streamed.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SharedFact]
    public void SharedData_IsPresent_ForTheParityTheories() => Assert.True(Directory.Exists(Fixtures.Shared("data/bright-runs")));
}
