namespace Lodestar.Synthesis.Tests;

/// <summary>SIGKILL during the search, five times: the resumed run's files equal an uninterrupted run's, byte for byte.</summary>
public sealed class KillTests
{
    [Fact]
    public async Task KilledFiveTimes_OutputByteIdentical()
    {
        string dir = Paths.TempDir();
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => ScriptedPolicy.Answer(ctx, n, body, TimeSpan.FromMilliseconds(40)));
        try
        {
            string index = Paths.TheoremIndex(dir);
            string problems = Path.Combine(dir, "problems.jsonl");
            File.WriteAllText(problems, ScriptedPolicy.ProblemsJsonl +
                "{\"id\": \"p3\", \"problem\": \"What is 4 + 4?\", \"answer\": \"8\"}\n{\"id\": \"p4\", \"problem\": \"What is 9 - 1?\", \"answer\": \"8\"}\n");
            string[] Args(string output) => ["synth", "mcts", "--problems", problems, "--index", index, "--endpoint", server.Url.ToString(), "--model", "policy",
                "--in-flight", "2", "--parallel", "2", "--rollouts", "6", "--max-depth", "3", "--top", "3", "--progress-seconds", "0.2", "-o", output];

            string killed = Path.Combine(dir, "killed");
            for (int k = 0; k < 5; k++)
            {
                int before = server.Requests;
                var (code, _) = await CliProcess.RunAsync(Args(killed), killWhen: () => server.Requests >= before + 4);
                Assert.Equal(-9, code);
            }

            int afterKills = server.Requests;
            var (finalCode, log) = await CliProcess.RunAsync(Args(killed));
            Assert.True(finalCode == 0, log);
            Assert.Contains("answers from the store", log);
            int resumedRequests = server.Requests - afterKills;

            string clean = Path.Combine(dir, "clean");
            int beforeClean = server.Requests;
            var (cleanCode, cleanLog) = await CliProcess.RunAsync(Args(clean));
            Assert.True(cleanCode == 0, cleanLog);
            int cleanRequests = server.Requests - beforeClean;
            // The resumed run asked only for what the kills lost; the five killed runs asked at least 20 answers.
            Assert.True(resumedRequests < cleanRequests, $"resumed {resumedRequests}, clean {cleanRequests}");
            Assert.True(afterKills >= 20);
            foreach (string f in new[] { "trees.jsonl", "pairs.jsonl", "documents.jsonl", "summary.json" })
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(clean, f)), File.ReadAllBytes(Path.Combine(killed, f)));
            }

            Assert.Contains("\"solved\": 4", File.ReadAllText(Path.Combine(clean, "summary.json")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
