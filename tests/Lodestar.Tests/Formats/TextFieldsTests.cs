using System.Globalization;
using System.Text;
using Lodestar.Formats;

namespace Lodestar.Tests.Formats;

public class TextFieldsTests
{
    [Theory]
    [InlineData("0.8")]
    [InlineData("-0")]
    [InlineData("-0.0")]
    [InlineData("+.5")]
    [InlineData("1.")]
    [InlineData("123456789012345")]
    [InlineData("1234567890123456")] // 16 digits: the full parser
    [InlineData("0.000000000000000000001")]
    [InlineData("9007199254740993")]
    [InlineData("1e-3")]
    [InlineData("-2.5E+10")]
    [InlineData("inf")]
    [InlineData("NaN")]
    public void TryParseDouble_GivesTheFullParsersDouble(string text) => AssertSameAsFullParser(text);

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("-")]
    [InlineData("1.2.3")]
    [InlineData("0x10")]
    [InlineData("12a")]
    public void TryParseDouble_RefusesWhatTheFullParserRefuses(string text) => AssertSameAsFullParser(text);

    [Fact]
    public void TryParseDouble_OnRandomDecimals_IsBitForBitTheFullParser()
    {
        // Plain decimals of every length up to 17 digits with the point anywhere, signs and leading zeros: the fast
        // path (up to 15 digits) and the fallback must both give exactly double.Parse's value.
        var rng = new Random(13);
        for (int n = 0; n < 200_000; n++)
        {
            int digits = rng.Next(1, 18);
            var sb = new StringBuilder();
            sb.Append(rng.Next(4) switch { 0 => "-", 1 => "+", _ => "" });
            int point = rng.Next(-1, digits + 1);
            for (int d = 0; d < digits; d++)
            {
                if (d == point)
                {
                    sb.Append('.');
                }

                sb.Append((char)('0' + rng.Next(10)));
            }

            AssertSameAsFullParser(sb.ToString());
        }
    }

    private static void AssertSameAsFullParser(string text)
    {
        bool expected = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double full);
        bool actual = TextFields.TryParseDouble(Encoding.UTF8.GetBytes(text), out double fast);
        Assert.Equal(expected, actual);
        if (expected)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(full) == BitConverter.DoubleToInt64Bits(fast), $"{text}: {full:R} != {fast:R}");
        }
    }
}
