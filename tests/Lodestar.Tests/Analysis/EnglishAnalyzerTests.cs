using Lodestar.Analysis;

namespace Lodestar.Tests.Analysis;

public class EnglishAnalyzerTests
{
    [Fact]
    public void Analyze_Sentence_StripsPossessivesStopWordsAndStems()
    {
        var terms = new EnglishAnalyzer().Analyze("Why are the insects' wings drawn to the Light's glow? Running US");
        Assert.Equal(["why", "insect", "wing", "drawn", "light", "glow", "run", "us"], terms);
    }

    [Theory]
    [InlineData("us", "us")]
    [InlineData("as is", "")]
    [InlineData("60,000 r.a.e.104", "60,000 r.a.e 104")]
    [InlineData("ÉCOLES Straße", "école straße")]
    public void Analyze_LuceneEdgeCases(string text, string expected) =>
        Assert.Equal(expected, string.Join(" ", new EnglishAnalyzer().Analyze(text)));
}
