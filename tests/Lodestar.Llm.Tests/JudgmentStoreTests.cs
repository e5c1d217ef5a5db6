using Lodestar.Llm.Judgments;

namespace Lodestar.Llm.Tests;

public class JudgmentStoreTests
{
    private static Judgment Sample(string key, int i, int? score) => new(key, i, "q1", "doc 1", "retro-star", "http://127.0.0.1:1",
        "abc", "{\"temperature\":0.6}", 42 + i, $"answer {i}", score, score is null ? "Unparseable" : "Parsed", false, 100, 20, 12.5);

    [Fact]
    public void Samples_SurviveReopen_AndDuplicatesAreIgnored()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lodestar-store-{Guid.NewGuid():N}.db");
        try
        {
            using (var store = new JudgmentStore(path))
            {
                store.Add([Sample("k", 0, 70), Sample("k", 1, null)]);
                store.Add([Sample("k", 1, 99)]); // already stored: kept as it was
                store.AddFailure("k2", "q1", "d", "Timeout", "timed out");
            }

            using var reopened = new JudgmentStore(path);
            List<Judgment> samples = reopened.Get("k");
            Assert.Equal([70, null], samples.Select(s => s.Score));
            Assert.Equal("answer 1", samples[1].Raw);
            Assert.Equal((2L, 1L, 0L, 1L, 200L, 40L), reopened.Stats());
        }
        finally
        {
            foreach (string f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(f);
            }

            File.Delete(path);
        }
    }
}
