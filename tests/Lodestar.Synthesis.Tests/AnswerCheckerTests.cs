using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Synthesis.Answers;

namespace Lodestar.Synthesis.Tests;

/// <summary>Answer extraction and equivalence by type, on a table of cases written from MATH's and TheoremQA's conventions.</summary>
public sealed class AnswerCheckerTests
{
    public static List<(string Type, string Gold, bool Equal, string Solution, int Line)> Cases()
    {
        var list = new List<(string, string, bool, string, int)>();
        string[] lines = File.ReadAllLines(Paths.Fixture("answer-cases.txt"));
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#') || lines[i].Length == 0)
            {
                continue;
            }

            string[] f = lines[i].Split(" ¦ ", 4);
            list.Add((f[0], f[1], bool.Parse(f[2]), f[3], i + 1));
        }

        return list;
    }

    [Fact]
    public void Table_HasAtLeast150Cases_CoveringEveryType()
    {
        var cases = Cases();
        Assert.Equal(202, cases.Count);
        Assert.Equal(["auto", "bool", "float", "integer", "list", "math", "number", "option"], cases.Select(c => c.Type).Distinct().Order());
        Assert.All(cases.GroupBy(c => c.Type), g => Assert.Contains(g, c => !c.Equal));
    }

    [Fact]
    public void Table_EveryCaseDecidedAsWritten()
    {
        var wrong = new List<string>();
        foreach (var c in Cases())
        {
            Assert.True(AnswerTypes.TryParse(c.Type, out AnswerType type));
            (string? extracted, _) = AnswerExtractor.Extract(c.Solution);
            bool equal = extracted is not null && AnswerChecker.Check(extracted, c.Gold, type).Equal;
            if (equal != c.Equal)
            {
                wrong.Add($"line {c.Line}: {c.Type} gold '{c.Gold}' extracted '{extracted}' -> {equal}, expected {c.Equal}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Theory]
    [InlineData("so \\boxed{\\frac{1}{2}} and \\boxed{3}", "3", AnswerExtractor.Method.Boxed)]
    [InlineData("The answer is 7 apples.", "7 apples", AnswerExtractor.Method.AnswerIs)]
    [InlineData("1,234 then 5,678", "5678", AnswerExtractor.Method.LastNumber)]
    [InlineData("nothing", null, AnswerExtractor.Method.None)]
    [InlineData("cut off \\boxed{4", null, AnswerExtractor.Method.None)]
    public void Extract_FindsTheFinalAnswer(string solution, string? answer, AnswerExtractor.Method method)
    {
        Assert.Equal((answer, method), AnswerExtractor.Extract(solution));
    }

    [Theory]
    [InlineData("\\dfrac12", "\\frac{1}{2}")]
    [InlineData("\\left( 3, 4 \\right)", "(3,4)")]
    [InlineData("x = \\frac 3 4", "\\frac{3}{4}")]
    [InlineData("30^\\circ", "30")]
    [InlineData("5\\%", "5")]
    [InlineData("\\$1.50", "1.50")]
    [InlineData("0.5", "\\frac{1}{2}")]
    [InlineData("3/7", "\\frac{3}{7}")]
    public void Normalize_FollowsMath(string input, string expected) => Assert.Equal(expected, MathNormalizer.Normalize(input));

    [Fact]
    public void Float_ToleranceIsAnOption()
    {
        Assert.True(AnswerChecker.Check("1.03", "1.0", AnswerType.Float).Equal);
        Assert.False(AnswerChecker.Check("1.03", "1.0", AnswerType.Float, floatTolerance: 0.01).Equal);
        Assert.Equal("tolerance", AnswerChecker.Check("1.03", "1.0", AnswerType.Float).Rule);
    }

    [Fact]
    public void SynthAnswers_WritesExtractedAndEqual()
    {
        string dir = Paths.TempDir();
        try
        {
            string input = Path.Combine(dir, "in.jsonl");
            var cases = Cases();
            File.WriteAllLines(input, cases.Select(c => new JsonObject
            {
                ["solution"] = c.Solution,
                ["answer"] = c.Gold,
                ["answer_type"] = c.Type == "auto" ? null : c.Type,
                ["case"] = c.Line,
            }.ToJsonString()));
            string output = Path.Combine(dir, "out.jsonl");
            var (code, _, err) = Paths.Cli("synth", "answers", "--input", input, "-o", output);
            Assert.Equal(0, code);
            int equal = cases.Count(c => c.Equal);
            Assert.Contains($"answers: 202 records, {equal} equal, 5 without an answer", err);
            JsonObject[] rows = [.. File.ReadAllLines(output).Select(l => JsonNode.Parse(l)!.AsObject())];
            Assert.Equal(cases.Select(c => c.Equal), rows.Select(r => r["equal"]!.GetValue<bool>()));
            Assert.Equal("11760", rows[0]["extracted"]!.GetValue<string>());
            Assert.Equal("answeris", rows[0]["extraction"]!.GetValue<string>());
            Assert.Equal("integer", rows[0]["type"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void SynthAnswers_BadType_ReportsLine()
    {
        string dir = Paths.TempDir();
        try
        {
            string input = Path.Combine(dir, "in.jsonl");
            File.WriteAllText(input, "{\"solution\": \"\\\\boxed{1}\", \"answer\": 1}\n{\"solution\": \"x\", \"answer\": 1, \"answer_type\": \"complex\"}\n");
            var (code, _, err) = Paths.Cli("synth", "answers", "--input", input, "-o", Path.Combine(dir, "o.jsonl"));
            Assert.Equal(1, code);
            Assert.Equal($"{input}:2:1: expected answer_type integer, float, number, bool, list, option or math, found 'complex'", err.Trim());
            Assert.False(File.Exists(Path.Combine(dir, "o.jsonl")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
