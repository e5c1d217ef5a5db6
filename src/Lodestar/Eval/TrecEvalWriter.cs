using System.Globalization;

namespace Lodestar.Eval;

/// <summary>Prints an <see cref="EvalReport"/> byte for byte as trec_eval does: <c>%-22s\t%s\t%6.4f</c>.</summary>
/// <remarks>Values are rounded half-to-even on their exact binary value, as C's printf does. Lines are built in a
/// reused buffer: no string per value.</remarks>
public static class TrecEvalWriter
{
    /// <summary>Writes per-topic lines (when <paramref name="perTopic"/>), then the <c>all</c> lines (unless
    /// <paramref name="summary"/> is false, trec_eval's <c>-n</c>).</summary>
    public static void Write(TextWriter writer, EvalReport report, bool perTopic, bool summary = true)
    {
        var line = new LineBuffer(writer);
        IReadOnlyList<Measure> measures = report.Measures;
        string[] ids = [.. measures.Select(m => m.Id)]; // built once, not for every line (11,100 lines with -q)
        if (perTopic)
        {
            foreach (string topic in report.TopicIds)
            {
                double[] values = report.PerTopic[topic];
                for (int m = 0; m < measures.Count; m++)
                {
                    Measure measure = measures[m];
                    if (measure.Family == "relstring")
                    {
                        line.Name(ids[m], z: false).Append(topic).Append('\t').Append('\'')
                            .Append(report.RelStrings?.GetValueOrDefault(topic) ?? "").Append('\'').End();
                    }
                    else if (measure.PerTopic && measure.IsNumeric)
                    {
                        Value(line.Name(ids[m], report.ZScored).Append(topic).Append('\t'), measure, values[m], report.ZScored).End();
                    }
                }
            }
        }

        if (!summary)
        {
            line.Flush();
            return;
        }

        for (int m = 0; m < measures.Count; m++)
        {
            Measure measure = measures[m];
            if (measure.Family == "runid")
            {
                line.Name("runid", z: false).Append("all\t").Append(report.RunName).End();
            }
            else if (measure.IsNumeric)
            {
                Value(line.Name(ids[m], report.ZScored).Append("all\t"), measure, report.All[m], report.ZScored).End();
            }
        }

        line.Flush();
    }

    private static LineBuffer Value(LineBuffer line, Measure measure, double value, bool z) =>
        measure.IsCount && !z ? line.Append((long)value) : line.Fixed4(value);

    /// <summary>printf("%6.4f"): four decimals, ties to even on the exact value, padded to width 6.</summary>
    public static string Format4(double value)
    {
        Span<char> buffer = stackalloc char[32];
        int n = WriteFixed4(value, buffer);
        return buffer[..n].ToString();
    }

    /// <summary>Writes printf("%6.4f") of <paramref name="value"/> into <paramref name="destination"/> (at least 32
    /// chars) and returns its length.</summary>
    /// <remarks>The nearest multiple of 10⁻⁴ is found with fused multiply-adds, whose single rounding keeps the sign
    /// of value·10⁴ − (n ± ½) exact, so the decision is made on the exact binary value without decimal arithmetic.</remarks>
    public static int WriteFixed4(double value, Span<char> destination)
    {
        if (!double.IsFinite(value) || Math.Abs(value) >= 1e14)
        {
            string text = double.IsNaN(value) ? (double.IsNegative(value) ? "-nan" : "nan")
                : double.IsInfinity(value) ? (value < 0 ? "-inf" : "inf")
                : value.ToString("F4", CultureInfo.InvariantCulture);
            text = text.PadLeft(6);
            text.CopyTo(destination);
            return text.Length;
        }

        double a = Math.Abs(value);
        double n = Math.Round(a * 10000);
        double above = Math.FusedMultiplyAdd(a, 10000, -(n + 0.5));
        if (above > 0 || (above == 0 && n % 2 == 1))
        {
            n += 1;
        }
        else
        {
            double below = Math.FusedMultiplyAdd(a, 10000, -(n - 0.5));
            if (below < 0 || (below == 0 && n % 2 == 1))
            {
                n -= 1;
            }
        }

        long units = (long)n;
        Span<char> digits = stackalloc char[24];
        int len = 0;
        long whole = units / 10000;
        long frac = units % 10000;
        if (double.IsNegative(value))
        {
            digits[len++] = '-';
        }

        whole.TryFormat(digits[len..], out int written, default, CultureInfo.InvariantCulture);
        len += written;
        digits[len++] = '.';
        digits[len++] = (char)('0' + (frac / 1000));
        digits[len++] = (char)('0' + (frac / 100 % 10));
        digits[len++] = (char)('0' + (frac / 10 % 10));
        digits[len++] = (char)('0' + (frac % 10));
        int pad = Math.Max(0, 6 - len);
        destination[..pad].Fill(' ');
        digits[..len].CopyTo(destination[pad..]);
        return pad + len;
    }

    /// <summary>One output line at a time in a reused char buffer, written to the TextWriter in blocks of 4 K characters
    /// or more.</summary>
    /// <remarks>8 K characters: a line longer than the 4 K left after a flush grows the buffer. A larger buffer only
    /// costs memory first touched, which for a 20 ms evaluation is most of the cost of the output.</remarks>
    private sealed class LineBuffer(TextWriter writer)
    {
        private char[] _buffer = new char[8 << 10];
        private int _length;

        public LineBuffer Name(string name, bool z)
        {
            if (z)
            {
                Append('Z');
            }

            Append(name);
            for (int i = name.Length; i < 22; i++)
            {
                Append(' ');
            }

            return Append('\t');
        }

        public LineBuffer Append(char c)
        {
            Ensure(1);
            _buffer[_length++] = c;
            return this;
        }

        public LineBuffer Append(string s)
        {
            Ensure(s.Length);
            s.CopyTo(_buffer.AsSpan(_length));
            _length += s.Length;
            return this;
        }

        public LineBuffer Append(long v)
        {
            Ensure(24);
            v.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
            _length += written;
            return this;
        }

        public LineBuffer Fixed4(double v)
        {
            Ensure(40);
            _length += WriteFixed4(v, _buffer.AsSpan(_length));
            return this;
        }

        public void End()
        {
            Append('\n');
            if (_length > _buffer.Length - 4096)
            {
                Flush();
            }
        }

        public void Flush()
        {
            writer.Write(_buffer, 0, _length);
            _length = 0;
        }

        private void Ensure(int n)
        {
            if (_length + n > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
            }
        }
    }
}
