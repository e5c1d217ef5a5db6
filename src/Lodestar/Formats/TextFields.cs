using System.Globalization;
using System.Numerics;
using System.Text;
using Lodestar.Errors;

namespace Lodestar.Formats;

/// <summary>Splits a line of a whitespace-separated TREC file into fields, remembering each field's column.</summary>
internal static class TextFields
{
    /// <summary>Splits <paramref name="line"/> (text, or UTF-8 bytes) on runs of spaces and tabs into at most
    /// <paramref name="fields"/>.Length fields.</summary>
    /// <returns>The number of fields found (it may exceed the span's length: then the rest is unsplit).</returns>
    public static int Split<T>(ReadOnlySpan<T> line, Span<Range> fields)
        where T : IBinaryInteger<T>
    {
        T space = T.CreateTruncating(' '), tab = T.CreateTruncating('\t');
        int count = 0;
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && (line[i] == space || line[i] == tab))
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            int start = i;
            while (i < line.Length && line[i] != space && line[i] != tab)
            {
                i++;
            }

            if (count < fields.Length)
            {
                fields[count] = start..i;
            }

            count++;
        }

        return count;
    }

    private static readonly double[] s_powersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>Parses a number to the double that <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles,
    /// IFormatProvider?, out double)"/> gives (<see cref="NumberStyles.Float"/>, invariant culture): a plain decimal
    /// (<c>-12.375</c>, at most 15 digits) directly, anything else (exponents, more digits, inf, nan) through it.</summary>
    /// <remarks>A plain decimal of at most 15 digits is an integer below 2^53 divided by a power of ten up to 10^22,
    /// both exact in a double, and IEEE division rounds their quotient correctly: the correctly rounded value of the
    /// decimal, as a full parse gives (Clinger's fast path). A run's scores are nearly all like that.</remarks>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && text[0] is (byte)'-' or (byte)'+')
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }

        long mantissa = 0;
        int digits = 0, fraction = -1;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (c - (uint)'0' <= 9)
            {
                mantissa = (mantissa * 10) + (c - '0');
                digits++;
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            else if (c == (byte)'.' && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                digits = 99; // not a plain decimal
                break;
            }
        }

        if (digits is >= 1 and <= 15)
        {
            double v = fraction > 0 ? mantissa / s_powersOfTen[fraction] : mantissa;
            value = negative ? -v : v;
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The 1-based column, in characters, where a field of a UTF-8 line starts (for error messages).</summary>
    public static int Column(ReadOnlySpan<byte> line, Range field) => Encoding.UTF8.GetCharCount(line[..field.Start.Value]) + 1;

    /// <summary>Parses a finite number or throws at the field's column.</summary>
    public static double ParseScore(string path, long line, ReadOnlySpan<char> text, Range field, string what)
    {
        ReadOnlySpan<char> s = text[field];
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            ThrowHelper.Input(path, line, field.Start.Value + 1, $"expected a finite number for the {what}, found {ThrowHelper.Quote(s)}");
        }

        return value;
    }

    /// <summary>Decodes a line that <see cref="LineReader"/> has already checked to be UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> line) => Encoding.UTF8.GetString(line);
}
