namespace Lodestar.Analysis;

/// <summary>Code point to Word_Break class and flags, from <see cref="WordBreakData"/>.</summary>
/// <remarks>The BMP is a flat 64 KiB table; supplementary planes use binary search over ranges.</remarks>
internal static class WordBreakTable
{
    /// <summary>Bit set on Extended_Pictographic code points.</summary>
    public const byte ExtendedPictographic = 0x20;

    /// <summary>Bit set on Ideographic and Hiragana code points, which form one-character tokens.</summary>
    public const byte Ideographic = 0x40;

    /// <summary>Bit set on Line_Break=Complex_Context code points (Thai, Lao, Khmer, Myanmar, ...).</summary>
    public const byte ComplexContext = 0x80;

    private const byte ClassMask = 0x1F;

    private static readonly byte[] s_bmp = BuildBmp();
    private static readonly int[] s_supplementary = BuildSupplementary();

    /// <summary>The packed class and flags of <paramref name="codePoint"/>.</summary>
    public static byte Lookup(int codePoint)
    {
        if (codePoint < 0x10000)
        {
            return s_bmp[codePoint];
        }

        int[] r = s_supplementary;
        int lo = 0;
        int hi = (r.Length / 3) - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (codePoint < r[mid * 3])
            {
                hi = mid - 1;
            }
            else if (codePoint > r[(mid * 3) + 1])
            {
                lo = mid + 1;
            }
            else
            {
                return (byte)r[(mid * 3) + 2];
            }
        }

        return 0;
    }

    /// <summary>The Word_Break class part of a packed value.</summary>
    public static WordBreakClass ClassOf(byte packed) => (WordBreakClass)(packed & ClassMask);

    private static byte[] BuildBmp()
    {
        var table = new byte[0x10000];
        ReadOnlySpan<int> r = WordBreakData.Ranges;
        for (int i = 0; i < r.Length; i += 3)
        {
            if (r[i] >= 0x10000)
            {
                break;
            }

            table.AsSpan(r[i], Math.Min(r[i + 1], 0xFFFF) - r[i] + 1).Fill((byte)r[i + 2]);
        }

        return table;
    }

    private static int[] BuildSupplementary()
    {
        ReadOnlySpan<int> r = WordBreakData.Ranges;
        var list = new List<int>();
        for (int i = 0; i < r.Length; i += 3)
        {
            if (r[i + 1] >= 0x10000)
            {
                list.Add(Math.Max(r[i], 0x10000));
                list.Add(r[i + 1]);
                list.Add(r[i + 2]);
            }
        }

        return [.. list];
    }
}
