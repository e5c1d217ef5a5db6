using System.Text;
using Lodestar.Rerank.RetroStar;

namespace Lodestar.Llm.Tests;

public class RetroStarPromptTests
{
    private const string Query = "Why are insects drawn to light? {doc} is not a placeholder here; naïve “quotes”.";
    private const string Doc = "Phototaxis: moths {query} navigate by the moon.\nSecond line with {relevance_definition}.";

    public static TheoryData<string> Tasks() =>
    [
        "aops", "biology", "earth_science", "economics", "leetcode", "pony", "psychology", "robotics",
        "stackoverflow", "sustainable_living", "theoremqa_questions", "theoremqa_theorems",
    ];

    /// <summary>The goldens were written by tests/fixtures/retro-star/make-golden.py (Python str.replace on the spec).</summary>
    [Theory]
    [MemberData(nameof(Tasks))]
    public void Build_EveryBrightTask_EqualsTheGoldenBytes(string task)
    {
        byte[] expected = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "retro-star", $"{task}.prompt.txt"));
        string prompt = RetroStarPrompt.Build(RelevanceDefinition.ForTask(task), Query, Doc);
        Assert.Equal(expected, Encoding.UTF8.GetBytes(prompt));
    }

    [Fact]
    public void EmbeddedContract_EqualsTheSharedSpec()
    {
        string? shared = Repo.Shared;
        if (shared is null)
        {
            return; // the embedded copies are still checked through the goldens above
        }

        Assert.Equal(File.ReadAllText(Path.Combine(shared, "specs", "retro-star-prompt.txt")), RetroStarPrompt.Template);
        Assert.Equal(12, RelevanceDefinition.Bright.Count);
    }

    [Fact]
    public void Build_OverBudget_CutsTheDocumentFirstAndKeepsTheFrame()
    {
        RelevanceDefinition d = RelevanceDefinition.ForTask("biology");
        int frame = RetroStarPrompt.Build(d, "", "").Length;
        string prompt = RetroStarPrompt.Build(d, "short query", new string('x', 5000), frame + 100, out bool truncated);
        Assert.True(truncated);
        Assert.Equal(frame + 100, prompt.Length);
        Assert.Contains("short query\n[End of Query]", prompt);
        Assert.EndsWith("x\n[End of Document]\n", prompt);

        prompt = RetroStarPrompt.Build(d, new string('q', 500), "doc", frame + 50, out truncated);
        Assert.True(truncated);
        Assert.Contains(new string('q', 50) + "\n[End of Query]", prompt);
        Assert.Contains("[Begin of Document]\n\n[End of Document]", prompt);

        Assert.Throws<ArgumentOutOfRangeException>(() => RetroStarPrompt.Build(d, "q", "d", frame - 1, out _));
    }

    [Fact]
    public void UnknownTask_GetsTheSpecDefault()
    {
        RelevanceDefinition d = RelevanceDefinition.ForTask("my-collection");
        Assert.Equal(("query", "document"), (d.QueryType, d.DocType));
        Assert.StartsWith("Given a query and a document", d.Definition);
    }
}
