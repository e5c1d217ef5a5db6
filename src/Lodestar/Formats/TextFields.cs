using System.Globalization;
using System.Text;
using Lodestar.Errors;

namespace Lodestar.Formats;

/// <summary>Splits a line of a whitespace-separated TREC file into fields, remembering each field's column.</summary>
internal static class TextFields
{
    /// <summary>Splits <paramref name="line"/> on runs of spaces and tabs into at most <paramref name="fields"/>.Length fields.</summary>
    /// <returns>The number of fields found (it may exceed the span's length: then the rest is unsplit).</returns>
    public static int Split(ReadOnlySpan<char> line, Span<Range> fields)
    {
        int count = 0;
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            int start = i;
            while (i < line.Length && line[i] is not (' ' or '\t'))
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

    /// <summary>Splits a UTF-8 <paramref name="line"/> on runs of spaces and tabs, as
    /// <see cref="Split(ReadOnlySpan{char}, Span{Range})"/> splits its text (fields are byte ranges).</summary>
    /// <returns>The number of fields found (it may exceed the span's length: then the rest is unsplit).</returns>
    public static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        int count = 0;
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            int start = i;
            while (i < line.Length && line[i] is not ((byte)' ' or (byte)'\t'))
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

    /// <summary>Parses an integer or throws at the field's column.</summary>
    public static int ParseInt(string path, long line, ReadOnlySpan<char> text, Range field, string what)
    {
        ReadOnlySpan<char> s = text[field];
        if (!int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            ThrowHelper.Input(path, line, field.Start.Value + 1, $"expected an integer for the {what}, found {ThrowHelper.Quote(s)}");
        }

        return value;
    }

    /// <summary>Decodes a line that <see cref="LineReader"/> has already checked to be UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> line) => Encoding.UTF8.GetString(line);
}
