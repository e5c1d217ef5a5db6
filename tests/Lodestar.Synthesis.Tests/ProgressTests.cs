using System.Globalization;
using System.Text.RegularExpressions;

namespace Lodestar.Synthesis.Tests;

/// <summary>The progress lines of <c>synth mcts</c>: problems done, rollouts, calls, tokens/s and ETA, every
/// <c>--progress-seconds</c>.</summary>
public sealed partial class ProgressTests
{
    [Fact]
    public async Task Mcts_PrintsProblemsRolloutsCallsTokensPerSecondAndEta()
    {
        string dir = Paths.TempDir();
        // 40 ms an answer, one request at a time: the 16 requests of the two problems take about 0.7 s.
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => ScriptedPolicy.Answer(ctx, n, body, TimeSpan.FromMilliseconds(40)));
        try
        {
            string index = Paths.TheoremIndex(dir);
            string problems = Path.Combine(dir, "problems.jsonl");
            File.WriteAllText(problems, ScriptedPolicy.ProblemsJsonl);
            var (code, _, err) = Paths.Cli("synth", "mcts", "--problems", problems, "--index", index, "--endpoint", server.Url.ToString(), "--model", "policy",
                "--in-flight", "1", "--parallel", "1", "--rollouts", "6", "--max-depth", "2", "--top", "3", "--progress-seconds", "0.05", "-o", Path.Combine(dir, "out"));
            Assert.True(code == 0, err);
            List<Match> lines = [.. err.Split('\n').Select(l => ProgressLine().Match(l.TrimEnd('\r'))).Where(m => m.Success)];
            Assert.True(lines.Count >= 3, err);
            int Value(Match m, string name) => int.Parse(m.Groups[name].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            for (int i = 1; i < lines.Count; i++)
            {
                Assert.True(Value(lines[i], "done") >= Value(lines[i - 1], "done"));
                Assert.True(Value(lines[i], "calls") >= Value(lines[i - 1], "calls"));
                Assert.True(Value(lines[i], "rollouts") >= Value(lines[i - 1], "rollouts"));
            }

            Assert.All(lines, m => Assert.True(Value(m, "rollouts") <= 12 && Value(m, "calls") <= 16 && Value(m, "stored") == 0));
            // Each answer has 20 completion tokens: once calls are made the rate is positive.
            Assert.Contains(lines, m => Value(m, "calls") > 0 && Value(m, "rate") > 0);
            // No problem done: no ETA yet; one of two done: an ETA as h:mm:ss.
            Assert.All(lines.Where(m => Value(m, "done") == 0), m => Assert.Equal("?", m.Groups["eta"].Value));
            Assert.All(lines.Where(m => Value(m, "done") > 0), m => Assert.Matches(@"^\d+:\d\d:\d\d$", m.Groups["eta"].Value));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [GeneratedRegex(@"^mcts: (?<done>\d+)/2 problems, (?<rollouts>[\d,]+) rollouts, (?<calls>[\d,]+) calls \((?<stored>[\d,]+) from the store\), (?<rate>[\d,]+) tokens/s, \d+ unparseable, \d+ failed requests, ETA (?<eta>\S+)$")]
    private static partial Regex ProgressLine();
}
