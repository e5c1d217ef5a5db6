namespace Lodestar.Analysis;

/// <summary>
/// UAX #29 word segmentation as Lucene's <c>StandardTokenizer</c> applies it: the text is split at word boundaries
/// (rules WB1–WB999 of Unicode 15.0) and the segments that hold a letter, digit, ideograph, kana, emoji or
/// South-East Asian character become tokens; tokens longer than <see cref="MaxTokenLength"/> are cut into pieces.
/// </summary>
/// <remarks>
/// South-East Asian (Line_Break=Complex_Context) runs are kept whole, as Lucene's SOUTHEAST_ASIAN token type does,
/// because UAX #29 leaves them to dictionary segmentation. One instance reuses its buffers: use one per thread.
/// </remarks>
public sealed class StandardTokenizer
{
    /// <summary>Lucene's default maximum token length, in UTF-16 code units.</summary>
    public const int MaxTokenLength = 255;

    private int[] _offsets = new int[256];
    private byte[] _props = new byte[256];

    /// <summary>Appends the (start, length) of each token of <paramref name="text"/> to <paramref name="tokens"/>.</summary>
    public void Tokenize(ReadOnlySpan<char> text, List<(int Start, int Length)> tokens)
    {
        int n = Decode(text);
        ReadOnlySpan<byte> p = _props.AsSpan(0, n);
        int segmentStart = 0;
        bool hasWordChar = n > 0 && IsWordChar(p[0]);
        for (int i = 1; i <= n; i++)
        {
            if (i == n || IsBreak(p, i))
            {
                if (hasWordChar)
                {
                    Emit(text, _offsets[segmentStart], _offsets[i], tokens);
                }

                segmentStart = i;
                hasWordChar = false;
            }

            if (i < n && IsWordChar(p[i]))
            {
                hasWordChar = true;
            }
        }
    }

    /// <summary>The segment boundaries of <paramref name="text"/>, as UTF-16 offsets, including 0 and the end.</summary>
    /// <remarks>Exposed for the WordBreakTest conformance test.</remarks>
    internal List<int> Boundaries(ReadOnlySpan<char> text)
    {
        int n = Decode(text);
        var result = new List<int> { 0 };
        for (int i = 1; i < n; i++)
        {
            if (IsBreak(_props.AsSpan(0, n), i))
            {
                result.Add(_offsets[i]);
            }
        }

        if (n > 0)
        {
            result.Add(text.Length);
        }

        return result;
    }

    private int Decode(ReadOnlySpan<char> text)
    {
        if (_props.Length < text.Length + 1)
        {
            _props = new byte[text.Length + 1];
            _offsets = new int[text.Length + 1];
        }

        int n = 0;
        int pos = 0;
        while (pos < text.Length)
        {
            char c = text[pos];
            int cp;
            int width = 1;
            if (char.IsHighSurrogate(c) && pos + 1 < text.Length && char.IsLowSurrogate(text[pos + 1]))
            {
                cp = char.ConvertToUtf32(c, text[pos + 1]);
                width = 2;
            }
            else
            {
                cp = c;
            }

            _offsets[n] = pos;
            _props[n] = WordBreakTable.Lookup(cp);
            n++;
            pos += width;
        }

        _offsets[n] = text.Length;
        return n;
    }

    private static bool IsWordChar(byte packed)
    {
        if ((packed & (WordBreakTable.ExtendedPictographic | WordBreakTable.Ideographic | WordBreakTable.ComplexContext)) != 0)
        {
            return true;
        }

        return WordBreakTable.ClassOf(packed) is WordBreakClass.ALetter or WordBreakClass.HebrewLetter
            or WordBreakClass.Numeric or WordBreakClass.Katakana or WordBreakClass.RegionalIndicator;
    }

    private static bool IsIgnorable(WordBreakClass c) =>
        c is WordBreakClass.Extend or WordBreakClass.Format or WordBreakClass.ZWJ;

    private static bool IsAlphaNumeric(WordBreakClass c) =>
        c is WordBreakClass.ALetter or WordBreakClass.HebrewLetter or WordBreakClass.Numeric;

    private static bool IsAHLetter(WordBreakClass c) => c is WordBreakClass.ALetter or WordBreakClass.HebrewLetter;

    private static bool IsMidLetterQ(WordBreakClass c) =>
        c is WordBreakClass.MidLetter or WordBreakClass.MidNumLet or WordBreakClass.SingleQuote;

    private static bool IsMidNumQ(WordBreakClass c) =>
        c is WordBreakClass.MidNum or WordBreakClass.MidNumLet or WordBreakClass.SingleQuote;

    /// <summary>Whether UAX #29 allows a break between code points <paramref name="i"/>−1 and <paramref name="i"/>.</summary>
    private static bool IsBreak(ReadOnlySpan<byte> p, int i)
    {
        WordBreakClass prev = WordBreakTable.ClassOf(p[i - 1]);
        WordBreakClass cur = WordBreakTable.ClassOf(p[i]);
        if (IsAlphaNumeric(prev) && IsAlphaNumeric(cur))
        {
            return false; // the common case, decided before the look-around: WB5, WB8, WB9, WB10 (no earlier rule applies)
        }

        if (prev == WordBreakClass.CR && cur == WordBreakClass.LF)
        {
            return false; // WB3
        }

        if (prev is WordBreakClass.CR or WordBreakClass.LF or WordBreakClass.Newline
            || cur is WordBreakClass.CR or WordBreakClass.LF or WordBreakClass.Newline)
        {
            return true; // WB3a, WB3b
        }

        if (prev == WordBreakClass.ZWJ && (p[i] & WordBreakTable.ExtendedPictographic) != 0)
        {
            return false; // WB3c
        }

        if (prev == WordBreakClass.WSegSpace && cur == WordBreakClass.WSegSpace)
        {
            return false; // WB3d
        }

        if (IsIgnorable(cur))
        {
            return false; // WB4: extenders attach to what precedes them
        }

        // WB4 again: the rules below see through Extend, Format and ZWJ on both sides.
        int l = PreviousBase(p, i - 1);
        WordBreakClass left = WordBreakTable.ClassOf(p[l]);
        int ll = l > 0 ? PreviousBase(p, l - 1) : -1;
        WordBreakClass leftLeft = ll >= 0 ? WordBreakTable.ClassOf(p[ll]) : WordBreakClass.Other;
        int rr = NextBase(p, i + 1);
        WordBreakClass rightRight = rr < p.Length ? WordBreakTable.ClassOf(p[rr]) : WordBreakClass.Other;
        WordBreakClass right = cur;

        if (IsAHLetter(left) && IsAHLetter(right))
        {
            return false; // WB5
        }

        if (IsAHLetter(left) && IsMidLetterQ(right) && IsAHLetter(rightRight))
        {
            return false; // WB6
        }

        if (IsAHLetter(leftLeft) && IsMidLetterQ(left) && IsAHLetter(right))
        {
            return false; // WB7
        }

        if (left == WordBreakClass.HebrewLetter && right == WordBreakClass.SingleQuote)
        {
            return false; // WB7a
        }

        if (left == WordBreakClass.HebrewLetter && right == WordBreakClass.DoubleQuote
            && rightRight == WordBreakClass.HebrewLetter)
        {
            return false; // WB7b
        }

        if (leftLeft == WordBreakClass.HebrewLetter && left == WordBreakClass.DoubleQuote
            && right == WordBreakClass.HebrewLetter)
        {
            return false; // WB7c
        }

        if ((left == WordBreakClass.Numeric || IsAHLetter(left)) && (right == WordBreakClass.Numeric || IsAHLetter(right)))
        {
            return false; // WB8, WB9, WB10
        }

        if (leftLeft == WordBreakClass.Numeric && IsMidNumQ(left) && right == WordBreakClass.Numeric)
        {
            return false; // WB11
        }

        if (left == WordBreakClass.Numeric && IsMidNumQ(right) && rightRight == WordBreakClass.Numeric)
        {
            return false; // WB12
        }

        if (left == WordBreakClass.Katakana && right == WordBreakClass.Katakana)
        {
            return false; // WB13
        }

        if ((IsAHLetter(left) || left is WordBreakClass.Numeric or WordBreakClass.Katakana or WordBreakClass.ExtendNumLet)
            && right == WordBreakClass.ExtendNumLet)
        {
            return false; // WB13a
        }

        if (left == WordBreakClass.ExtendNumLet
            && (IsAHLetter(right) || right is WordBreakClass.Numeric or WordBreakClass.Katakana))
        {
            return false; // WB13b
        }

        if (left == WordBreakClass.RegionalIndicator && right == WordBreakClass.RegionalIndicator)
        {
            return CountRegionalIndicators(p, l) % 2 == 0; // WB15, WB16: flags pair up
        }

        // Lucene extension: a South-East Asian run stays one token.
        return (p[l] & p[i] & WordBreakTable.ComplexContext) == 0;
    }

    private static int PreviousBase(ReadOnlySpan<byte> p, int j)
    {
        while (j > 0 && IsIgnorable(WordBreakTable.ClassOf(p[j])))
        {
            j--;
        }

        return j;
    }

    private static int NextBase(ReadOnlySpan<byte> p, int j)
    {
        while (j < p.Length && IsIgnorable(WordBreakTable.ClassOf(p[j])))
        {
            j++;
        }

        return j;
    }

    private static int CountRegionalIndicators(ReadOnlySpan<byte> p, int j)
    {
        int count = 0;
        while (j >= 0)
        {
            WordBreakClass c = WordBreakTable.ClassOf(p[j]);
            if (c == WordBreakClass.RegionalIndicator)
            {
                count++;
            }
            else if (!IsIgnorable(c))
            {
                break;
            }

            j--;
        }

        return count;
    }

    private static void Emit(ReadOnlySpan<char> text, int start, int end, List<(int Start, int Length)> tokens)
    {
        while (end - start > MaxTokenLength)
        {
            int cut = start + MaxTokenLength;
            if (char.IsLowSurrogate(text[cut]) && char.IsHighSurrogate(text[cut - 1]))
            {
                cut--;
            }

            tokens.Add((start, cut - start));
            start = cut;
        }

        tokens.Add((start, end - start));
    }
}
