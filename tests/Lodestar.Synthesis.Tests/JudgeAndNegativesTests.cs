using System.Text.Json.Nodes;

namespace Lodestar.Synthesis.Tests;

/// <summary>The LLM's two optional roles outside the search: equivalence judge and Retro* relabeller of negatives.</summary>
public sealed class JudgeAndNegativesTests
{
    [Fact]
    public async Task JudgeEquivalence_AskedOnlyWhenRulesSayUnequal_AndRecorded()
    {
        string dir = Paths.TempDir();
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => FakeOpenAiServer.Answer(ctx, "They expand to the same polynomial.\nEquivalent: yes"));
        try
        {
            string input = Path.Combine(dir, "in.jsonl");
            File.WriteAllText(input,
                "{\"problem\": \"Expand (x+1)^2.\", \"solution\": \"\\\\boxed{(x+1)^2}\", \"answer\": \"x^2+2x+1\", \"answer_type\": \"math\"}\n" +
                "{\"solution\": \"\\\\boxed{\\\\frac12}\", \"answer\": \"0.5\", \"answer_type\": \"math\"}\n");
            string output = Path.Combine(dir, "out.jsonl");
            var (code, _, err) = Paths.Cli("synth", "answers", "--input", input, "-o", output, "--judge-equivalence", "--endpoint", server.Url.ToString(), "--model", "judge");
            Assert.True(code == 0, err);
            Assert.Contains("answers: 2 records, 2 equal, 0 without an answer, 1 made equal by the judge", err);
            JsonObject[] rows = [.. File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!.AsObject())];
            Assert.Equal(["judge", "normalized"], rows.Select(r => r["rule"]!.GetValue<string>()));
            Assert.Equal(1, server.Requests);
            Assert.Equal(0, FakeOpenAiServer.Json(server.Bodies[0]).GetProperty("temperature").GetDouble());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Negatives_DuplicatesOfPositivesExcluded_RelabelledPositivesDropped()
    {
        string dir = Paths.TempDir();
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) =>
            FakeOpenAiServer.Answer(ctx, body.Contains("Thales theorem", StringComparison.Ordinal) ? "<score>80</score>" : "<score>10</score>"));
        try
        {
            string index = Paths.TheoremIndex(dir);
            string folder = Path.Combine(dir, "data");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "pairs.jsonl"),
                "{\"query_id\":\"p1#0.2\",\"problem_id\":\"p1\",\"query\":\"pythagorean theorem right triangle\",\"cot\":\"\",\"question\":\"q\",\"positives\":[\"pyth\"],\"negatives\":[]}\n");
            var (code, _, err) = Paths.Cli("synth", "negatives", "--input", folder, "--index", index, "--bm25-from", "1", "--bm25-to", "6",
                "--relabel-threshold", "50", "--endpoint", server.Url.ToString(), "--model", "retro");
            Assert.True(code == 0, err);
            Assert.Contains("duplicates_excluded 1, mined 2, relabelled_positive_dropped 1", err);
            JsonObject q = JsonNode.Parse(File.ReadAllLines(Path.Combine(folder, "negatives.jsonl")).Single())!.AsObject();
            Assert.Equal(["bayes", "fermat"], q["negatives"]!.AsArray().Select(x => x!.GetValue<string>()).Order());
            Assert.Equal("p1#0.2/q_mcts", q["query_id"]!.GetValue<string>());
            // The mined negatives' and the positive's texts are added to the folder's documents.
            Assert.Equal(["bayes", "fermat", "pyth"], File.ReadAllLines(Path.Combine(folder, "documents.jsonl")).Select(l => JsonNode.Parse(l)!["docid"]!.GetValue<string>()));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Negatives_RelabelBudget_StopsCleanly_AndARerunFinishes()
    {
        string dir = Paths.TempDir();
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) =>
            FakeOpenAiServer.Answer(ctx, body.Contains("Thales theorem", StringComparison.Ordinal) ? "<score>80</score>" : "<score>10</score>"));
        try
        {
            string index = Paths.TheoremIndex(dir);
            string folder = Path.Combine(dir, "data");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "pairs.jsonl"),
                "{\"query_id\":\"p1#0.2\",\"problem_id\":\"p1\",\"query\":\"pythagorean theorem right triangle\",\"cot\":\"\",\"question\":\"q\",\"positives\":[\"pyth\"],\"negatives\":[]}\n");
            string[] args = ["synth", "negatives", "--input", folder, "--index", index, "--bm25-from", "1", "--bm25-to", "6",
                "--relabel-threshold", "50", "--endpoint", server.Url.ToString(), "--model", "retro"];
            // Three candidates to score at 120 tokens each: the budget of 100 lets the first through and stops the second.
            var (code, _, err) = Paths.Cli([.. args, "--budget-tokens", "100"]);
            Assert.True(code == 0, err);
            Assert.Contains("negatives: 0 queries", err);
            Assert.Contains("stopped at the token budget of 100", err);
            Assert.Equal(1, server.Requests);
            Assert.Empty(File.ReadAllLines(Path.Combine(folder, "negatives.jsonl")));

            (code, _, err) = Paths.Cli(args);
            Assert.True(code == 0, err);
            // The rerun reads pairs.jsonl again (not the partial negatives.jsonl) and asks only the two unscored.
            Assert.True(server.Requests == 3, err);
            JsonObject q = JsonNode.Parse(File.ReadAllLines(Path.Combine(folder, "negatives.jsonl")).Single())!.AsObject();
            Assert.Equal(["bayes", "fermat"], q["negatives"]!.AsArray().Select(x => x!.GetValue<string>()).Order());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
