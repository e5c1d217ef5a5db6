using System.Text;
using Lodestar.Index;

namespace Lodestar.Tests.Index;

public class TermKeysTests
{
    // ASCII, 2- and 3-byte characters on both sides of U+E000, U+FFFF, supplementary characters (surrogate pairs in
    // UTF-16, 4 bytes in UTF-8), and NUL: the places where UTF-8 byte order and UTF-16 order could part
    private static readonly string[] Pieces =
        ["a", "b", "z", "\0", "é", "ÿ", "\u0800", "\uD7FF", "\uE000", "\uF8FF", "\uFFFD", "\uFFFF", "😀", "\U00010000", "\U0010FFFF", "ab", "abcdefgh"];

    private static string RandomTerm(Random rng) =>
        string.Concat(Enumerable.Range(0, 1 + rng.Next(6)).Select(_ => Pieces[rng.Next(Pieces.Length)]));

    private static TermKeys KeysOf(IReadOnlyList<string> terms)
    {
        var bytes = new List<byte>();
        int[] offsets = new int[terms.Count + 1];
        for (int i = 0; i < terms.Count; i++)
        {
            offsets[i] = bytes.Count;
            bytes.AddRange(Encoding.UTF8.GetBytes(terms[i]));
        }

        offsets[terms.Count] = bytes.Count;
        return new TermKeys([.. bytes], offsets);
    }

    [Fact]
    public void CompareAsUtf16_AgreesWithOrdinalStringComparison()
    {
        var rng = new Random(11);
        for (int i = 0; i < 5000; i++)
        {
            string a = RandomTerm(rng), b = rng.Next(4) == 0 ? a + RandomTerm(rng) : RandomTerm(rng);
            int expected = Math.Sign(string.CompareOrdinal(a, b));
            Assert.Equal(expected, Math.Sign(TermKeys.CompareAsUtf16(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b))));
            Assert.Equal(-expected, Math.Sign(TermKeys.CompareAsUtf16(Encoding.UTF8.GetBytes(b), Encoding.UTF8.GetBytes(a))));
        }

        // the one place where the two encodings' orders differ, pinned
        Assert.True(TermKeys.CompareAsUtf16(Encoding.UTF8.GetBytes("😀"), Encoding.UTF8.GetBytes("\uFFFD")) < 0);
        Assert.True(TermKeys.CompareAsUtf16(Encoding.UTF8.GetBytes("\uD7FF"), Encoding.UTF8.GetBytes("😀")) < 0);
    }

    [Fact]
    public void Sort_OrdersTheIdsAsTheirTermsOrdinalStrings_KeysSharingTheirFirst8BytesIncluded()
    {
        var rng = new Random(12);
        // many terms share their first 8 bytes ("abcdefgh…", repeated pieces), so the full comparison runs too
        List<string> terms = [.. Enumerable.Range(0, 3000).Select(_ => RandomTerm(rng)).Distinct(StringComparer.Ordinal)];
        int[] ids = [.. terms.Select((_, i) => (i * 7919) + 3)];
        int[] original = [.. ids];
        TermKeys keys = KeysOf(terms);

        int[] order = keys.Sort(ids);

        string[] expected = [.. terms.Order(StringComparer.Ordinal)];
        Assert.Equal(expected, order.Select(p => terms[p]));
        Assert.Equal(order.Select(p => original[p]), ids);
        Assert.Equal(2244, terms.Count);
    }
}
