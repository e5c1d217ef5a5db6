using Lodestar.Analysis;

namespace Lodestar.Tests.Analysis;

public class PorterStemmerTests
{
    [Fact]
    public void Stem_WholeVocabulary_EqualsStemwordsPorter()
    {
        string[] words = File.ReadAllLines(Fixtures.Path("porter/vocabulary.txt"));
        string[] stems = File.ReadAllLines(Fixtures.Path("porter/stems.txt"));
        Assert.True(words.Length >= 20_000, $"vocabulary has {words.Length} words");
        Assert.Equal(words.Length, stems.Length);

        var wrong = words.Select((w, i) => (Word: w, Expected: stems[i], Actual: PorterStemmer.Stem(w)))
            .Where(x => x.Expected != x.Actual).Take(20).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Select(x => $"{x.Word}: expected {x.Expected}, got {x.Actual}")));
    }

    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("agreed", "agre")]
    [InlineData("hopping", "hop")]
    [InlineData("filing", "file")]
    [InlineData("relational", "relat")]
    [InlineData("generalizations", "gener")]
    [InlineData("sky", "sky")]
    [InlineData("happy", "happi")]
    public void Stem_PorterPaperExamples(string word, string stem) => Assert.Equal(stem, PorterStemmer.Stem(word));
}
