using Lodestar.Cli.Commands.EvalBench;

namespace Lodestar.Cli.Tests;

/// <summary>The files <c>lodestar bench eval</c> gives both programs: same ids (spaces as %20), the three-topic case,
/// one case per task, and every topic of all tasks filled to the depth.</summary>
public sealed class EvalBenchInputsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("evalbench-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Write_ConvertsEachTask_AndFillsTheCombinedRunToTheDepth()
    {
        string qrels = Path.Combine(_dir, "q"), runs = Path.Combine(_dir, "r");
        foreach (string task in (string[])["alpha", "beta"])
        {
            Directory.CreateDirectory(Path.Combine(qrels, task));
            Directory.CreateDirectory(Path.Combine(runs, task));
            File.WriteAllText(Path.Combine(qrels, task, "qrels.txt"), "1 0 d1 1\n2 0 d2 1\n3 0 d3 1\n4 0 d4 1\n");
            File.WriteAllText(Path.Combine(runs, task, "gpt4_score.json"), """{"1": {"d1": 3.0, "a b": 2.5}, "2": {"d2": 1.0}, "3": {"x": 1.0}, "4": {"d4": 2.0}}""");
        }

        List<EvalBenchCase> cases = EvalBenchInputs.Write(qrels, runs, depth: 4, Path.Combine(_dir, "work"));

        Assert.Equal(["alpha, 3 topics", "alpha", "beta", "all 2 tasks, 4 per topic"], cases.Select(c => c.Name));
        Assert.Equal((3, 4L), (cases[0].Topics, cases[0].RunLines));
        Assert.Equal(["1 0 d1 1", "2 0 d2 1", "3 0 d3 1"], File.ReadAllLines(cases[0].Qrels));
        Assert.Equal(["1 Q0 d1 1 3 bench", "1 Q0 a%20b 2 2.5 bench", "2 Q0 d2 1 1 bench", "3 Q0 x 1 1 bench", "4 Q0 d4 1 2 bench"], File.ReadAllLines(cases[1].Run));
        Assert.Equal((8, 32L), (cases[3].Topics, cases[3].RunLines));
        string[] combined = File.ReadAllLines(cases[3].Run);
        Assert.Equal(32, combined.Length);
        Assert.Equal(["beta:4 Q0 d4 1 2 bench", "beta:4 Q0 filler-beta:4-1 2 1.999 bench", "beta:4 Q0 filler-beta:4-2 3 1.998 bench", "beta:4 Q0 filler-beta:4-3 4 1.997 bench"], combined[^4..]);
        Assert.Equal("beta:4 0 d4 1", File.ReadAllLines(cases[3].Qrels)[^1]);
    }

    [Fact]
    public void Write_NoTaskWithBothFiles_NamesWhatItExpected()
    {
        var error = Assert.Throws<Lodestar.Errors.InputException>(() => EvalBenchInputs.Write(_dir, _dir, 10, Path.Combine(_dir, "work")));
        Assert.StartsWith($"{_dir}:1:1: expected task folders holding a run", error.Message);
    }
}
