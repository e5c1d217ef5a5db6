using System.Text.Json.Nodes;

namespace Lodestar.Synthesis.Tests;

/// <summary>The whole chain on the embedded engine with the tiny random-weight GGUF: gibberish is counted, not a crash.</summary>
public sealed class EmbeddedTests
{
    [TinyModelFact]
    public void TinyGguf_RunsTheWholeChain_CountingUnparseableOutput()
    {
        string dir = Paths.TempDir();
        try
        {
            string index = Paths.TheoremIndex(dir);
            string output = Path.Combine(dir, "out");
            string gguf = Path.Combine(Paths.Shared!, "models", "llama-2-tiny-random.gguf");
            string[] model = ["--gguf", gguf, "--context", "2048", "--max-new-tokens", "12"];
            var (code, _, err) = Paths.Cli(["synth", "mcts", "--problems", Paths.Fixture("theoremqa.slice.jsonl"), "--index", index, "--rollouts", "2", "--max-depth", "2",
                "--top", "2", "--document-chars", "200", "--parallel", "1", "-o", output, .. model]);
            Assert.True(code == 0, err);
            JsonObject s = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!.AsObject();
            Assert.Equal(2, s["finished"]!.GetValue<int>());
            Assert.True(s["calls"]!.GetValue<int>() >= 4);
            Assert.True(s["unparseable"]!.AsObject().Count > 0, s.ToJsonString());
            Assert.Equal(0, s["failed_problems"]!.GetValue<int>());

            (code, _, err) = Paths.Cli(["synth", "queries", "--input", output, .. model]);
            Assert.True(code == 0, err);
            (code, _, err) = Paths.Cli("synth", "negatives", "--input", output, "--index", index);
            Assert.True(code == 0, err);
            (code, _, err) = Paths.Cli("synth", "export", "--input", output, "--format", "tevatron2", "-o", Path.Combine(dir, "exp"));
            Assert.True(code == 0, err);
            Assert.True(File.Exists(Path.Combine(dir, "exp", "README.md")));
            (code, string report, err) = Paths.Cli("synth", "report", output, "--html", Path.Combine(dir, "r.html"));
            Assert.True(code == 0, err);
            Assert.Contains("finished\t2", report);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
