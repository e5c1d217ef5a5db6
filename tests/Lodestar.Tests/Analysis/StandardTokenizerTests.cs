using System.Globalization;
using System.Text;
using Lodestar.Analysis;

namespace Lodestar.Tests.Analysis;

public class StandardTokenizerTests
{
    private static readonly string s_testFile = Fixtures.Path("unicode/WordBreakTest.txt");

    /// <summary>One WordBreakTest case: the text and the UTF-16 offsets where the oracle puts breaks.</summary>
    private static IEnumerable<(int Line, string Text, List<int> Breaks, List<string> Segments)> Cases()
    {
        int lineNo = 0;
        foreach (string raw in File.ReadLines(s_testFile))
        {
            lineNo++;
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var text = new StringBuilder();
            var breaks = new List<int>();
            var segments = new List<string>();
            int segmentStart = 0;
            foreach (string part in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "÷")
                {
                    breaks.Add(text.Length);
                    if (text.Length > segmentStart)
                    {
                        segments.Add(text.ToString(segmentStart, text.Length - segmentStart));
                    }

                    segmentStart = text.Length;
                }
                else if (part != "×")
                {
                    text.Append(char.ConvertFromUtf32(int.Parse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                }
            }

            yield return (lineNo, text.ToString(), breaks, segments);
        }
    }

    private static bool HasComplexContext(string text) =>
        text.EnumerateRunes().Any(r => (WordBreakTable.Lookup(r.Value) & WordBreakTable.ComplexContext) != 0);

    [Fact]
    public void Boundaries_EveryWordBreakTestCase_EqualsUnicode()
    {
        var tokenizer = new StandardTokenizer();
        int checkedCases = 0;
        var failures = new List<string>();
        foreach (var (line, text, breaks, _) in Cases())
        {
            if (HasComplexContext(text))
            {
                continue; // Lucene keeps South-East Asian runs whole, on purpose; see the next test.
            }

            checkedCases++;
            List<int> actual = tokenizer.Boundaries(text);
            if (!actual.SequenceEqual(breaks))
            {
                failures.Add($"line {line}: expected [{string.Join(",", breaks)}], got [{string.Join(",", actual)}]");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(20)));
        Assert.True(checkedCases > 1800, $"only {checkedCases} cases checked");
    }

    [Fact]
    public void Tokenize_EveryWordBreakTestCase_EmitsTheWordSegments()
    {
        var tokenizer = new StandardTokenizer();
        var tokens = new List<(int Start, int Length)>();
        var failures = new List<string>();
        foreach (var (line, text, _, segments) in Cases())
        {
            if (HasComplexContext(text))
            {
                continue;
            }

            // A word token is a segment holding a letter, digit, kana, ideograph, emoji or regional indicator.
            var expected = segments.Where(s => s.EnumerateRunes().Any(r => IsWordRune(r.Value))).ToList();
            tokens.Clear();
            tokenizer.Tokenize(text, tokens);
            var actual = tokens.Select(t => text.Substring(t.Start, t.Length)).ToList();
            if (!actual.SequenceEqual(expected))
            {
                failures.Add($"line {line}: expected {expected.Count} tokens, got {actual.Count}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    private static bool IsWordRune(int cp)
    {
        byte packed = WordBreakTable.Lookup(cp);
        return (packed & (WordBreakTable.ExtendedPictographic | WordBreakTable.Ideographic)) != 0
            || WordBreakTable.ClassOf(packed) is WordBreakClass.ALetter or WordBreakClass.HebrewLetter
                or WordBreakClass.Numeric or WordBreakClass.Katakana or WordBreakClass.RegionalIndicator;
    }

    [Fact]
    public void Tokenize_ThaiRun_StaysOneToken()
    {
        var tokens = new List<(int Start, int Length)>();
        new StandardTokenizer().Tokenize("ภาษาไทย ok", tokens);
        Assert.Equal([(0, 7), (8, 2)], tokens);
    }

    [Fact]
    public void Tokenize_LongToken_IsCutAt255()
    {
        var tokens = new List<(int Start, int Length)>();
        new StandardTokenizer().Tokenize(new string('a', 600), tokens);
        Assert.Equal([(0, 255), (255, 255), (510, 90)], tokens);
    }

    [Fact]
    public void Tokenize_MixedText_SplitsLikeLucene()
    {
        const string text = "U.S.A. costs $3,000.50 — e-mail foo_bar@example.com, can't 東京";
        var tokens = new List<(int Start, int Length)>();
        new StandardTokenizer().Tokenize(text, tokens);
        string[] actual = tokens.Select(t => text.Substring(t.Start, t.Length)).ToArray();
        Assert.Equal(["U.S.A", "costs", "3,000.50", "e", "mail", "foo_bar", "example.com", "can't", "東", "京"], actual);
    }
}
