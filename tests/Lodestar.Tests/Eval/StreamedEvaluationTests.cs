using FsCheck;
using FsCheck.Fluent;
using Lodestar.Errors;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Tests.Eval;

/// <summary>A small run is evaluated as it streams in (<see cref="Evaluator.EvaluateFile"/>); it must give exactly what
/// reading the whole file first gives: the same report, the same error, the same fallback for interleaved topics.</summary>
public class StreamedEvaluationTests
{
    private static readonly List<Measure> s_measures = [.. Measures.AllTrec, .. Measures.Parse(["relstring.5", "ndcg.1=0.5,2=4", "utility.1,-1,0,0"])];

    // Lines of a run: topics t0..t{topics-1}, some interleaved, ties, escaped ids, comments, now and then a duplicate
    // or a malformed line.
    private static readonly Gen<(string[] Lines, int Seed)> s_run =
        from topics in Gen.Choose(1, 6)
        from hits in Gen.ListOf(Gen.Zip(Gen.Choose(0, topics - 1), Gen.Choose(0, 25)).Zip(Gen.Choose(0, 4)))
        from interleave in Gen.Elements(false, false, true)
        from defect in Gen.Choose(0, 12)
        from seed in Gen.Choose(0, 100_000)
        select (Lines(hits, interleave, defect, seed), seed);

    private static string[] Lines(IEnumerable<((int, int), int)> hits, bool interleave, int defect, int seed)
    {
        var seen = new HashSet<(int, int)>();
        var lines = new List<(int Topic, string Line)>();
        foreach (((int t, int d), int s) in hits)
        {
            if (seen.Add((t, d)))
            {
                string id = d % 7 == 0 ? $"doc%20{d}" : $"doc{d}";
                lines.Add((t, $"t{t} Q0 {id} {lines.Count + 1} {s / 2.0} tag{seed % 3}"));
            }
        }

        var rng = new Random(seed);
        List<string> ordered = interleave ? [.. lines.OrderBy(_ => rng.Next()).Select(l => l.Line)] : [.. lines.OrderBy(l => l.Topic).Select(l => l.Line)];
        if (ordered.Count > 0 && defect == 0)
        {
            ordered.Insert(rng.Next(ordered.Count), ordered[rng.Next(ordered.Count)]); // a duplicate (or a repeated line)
        }
        else if (ordered.Count > 0 && defect == 1)
        {
            ordered.Insert(rng.Next(ordered.Count + 1), "t0 Q0 doc1 1 not-a-number tag");
        }
        else if (defect == 2)
        {
            ordered.Insert(rng.Next(ordered.Count + 1), "# a comment line");
        }

        return [.. ordered];
    }

    [Fact]
    public void Streamed_EqualsReadWhole_ReportsAndErrors()
    {
        using var dir = new TempDir();
        var qrels = new Qrels();
        var rng = new Random(3);
        for (int t = 0; t < 5; t++)
        {
            for (int d = 0; d < 26; d += 2)
            {
                qrels.TryAdd($"t{t}", d % 7 == 0 ? $"doc {d}" : $"doc{d}", rng.Next(-1, 4));
            }
        }

        Prop.ForAll(s_run.ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), Gen.Elements(int.MaxValue, 3).ToArbitrary(), (run, complete, maxDocs) =>
        {
            string path = dir.File("r");
            File.WriteAllLines(path, run.Lines);
            var options = new EvalOptions { CompleteQueries = complete, MaxDocsPerTopic = maxDocs };
            (string Text, string? Error) whole = Outcome(() => Evaluator.Evaluate(qrels, TrecRunFormat.ReadColumns(path), s_measures, options));
            (string Text, string? Error) streamed = Outcome(() => Evaluator.EvaluateFile(qrels, path, s_measures, options));
            Assert.Equal(whole, streamed);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void InterleavedTopics_StopTheStream_AndTheWholeFileIsRead()
    {
        using var dir = new TempDir();
        string path = dir.File("r");
        File.WriteAllLines(path, ["a Q0 x 1 2 t", "b Q0 y 1 2 t", "a Q0 z 2 1 t"]);
        var topics = new List<string>();
        Assert.False(TrecRunFormat.TryStreamTopics(path, (topic, _) => topics.Add(topic), out _));
        Assert.Equal(["a"], topics); // a came back after b: stopped there, before b was handed out

        var qrels = new Qrels();
        qrels.TryAdd("a", "z", 1);
        EvalReport report = Evaluator.EvaluateFile(qrels, path, Measures.Parse(["num_ret", "recip_rank"]));
        Assert.Equal(2, report.Value("a", "num_ret"));
        Assert.Equal(0.5, report.Value("a", "recip_rank"));
    }

    private static (string, string?) Outcome(Func<EvalReport> evaluate)
    {
        try
        {
            var text = new StringWriter();
            TrecEvalWriter.Write(text, evaluate(), perTopic: true);
            return (text.ToString(), null);
        }
        catch (InputException e)
        {
            return ("", e.Message);
        }
    }
}
