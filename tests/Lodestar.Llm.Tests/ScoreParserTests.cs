using Lodestar.Rerank.RetroStar;

namespace Lodestar.Llm.Tests;

public class ScoreParserTests
{
    [Theory]
    [InlineData("Analysis ... <score>73</score>", 73, ScoreOutcome.Parsed)]
    [InlineData("<score> 12 </score> and later <score>99</score>", 12, ScoreOutcome.Parsed)]
    [InlineData("<score>\n0\n</score>", 0, ScoreOutcome.Parsed)]
    [InlineData("<think>maybe <score>5</score></think>final <score>88</score>", 88, ScoreOutcome.Parsed)]
    [InlineData("<score>250</score>", 100, ScoreOutcome.Clamped)]
    [InlineData("<score>99999999999999</score>", 100, ScoreOutcome.Clamped)]
    [InlineData("no tags, the score is 70", null, ScoreOutcome.Unparseable)]
    [InlineData("<score>seventy</score>", null, ScoreOutcome.Unparseable)]
    [InlineData("<score>-5</score>", null, ScoreOutcome.Unparseable)]
    [InlineData("<think>still thinking when cut off <score>40</score>", null, ScoreOutcome.Unparseable)]
    public void Parse_FollowsTheContract(string answer, int? score, ScoreOutcome outcome) =>
        Assert.Equal(new ParsedScore(score, outcome), ScoreParser.Parse(answer));

    [Fact]
    public void Integrate_FailuresAreNeverSilentlyZero()
    {
        ParsedScore[] samples = [new(80, ScoreOutcome.Parsed), new(null, ScoreOutcome.Unparseable), new(60, ScoreOutcome.Parsed), new(100, ScoreOutcome.Clamped)];
        Assert.Equal(80, ScoreIntegration.Integrate(samples, Integration.Mean, FailureRule.Skip));
        Assert.Equal(60, ScoreIntegration.Integrate(samples, Integration.Mean, FailureRule.Zero));
        Assert.Equal(80, ScoreIntegration.Integrate(samples, Integration.Median, FailureRule.Skip));
        Assert.Equal(70, ScoreIntegration.Integrate(samples, Integration.TrimmedMean, FailureRule.Zero));
        Assert.Null(ScoreIntegration.Integrate([new(null, ScoreOutcome.Unparseable)], Integration.Mean, FailureRule.Skip));
    }
}
