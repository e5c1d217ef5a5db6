using System.Globalization;
using Lodestar.Errors;
using Lodestar.Formats;

namespace Lodestar.Eval;

/// <summary>
/// trec_eval's <c>-Z</c> file: lines <c>topic measure mean stddev</c>. Each per-topic value v becomes
/// (v − mean) / stddev before averaging; a topic or measure missing from the file, or a zero stddev with
/// v ≠ mean, gives <see cref="Missing"/>.
/// </summary>
public sealed class ZScores
{
    /// <summary>trec_eval's MISSING_ZSCORE_VALUE.</summary>
    public const double Missing = -1000000;

    private readonly Dictionary<string, Dictionary<string, (double Mean, double StdDev)>> _topics = new(StringComparer.Ordinal);

    /// <summary>Reads a z-score file.</summary>
    /// <exception cref="InputException">A line without four fields, or a mean or stddev that is not a number.</exception>
    public static ZScores Read(string path)
    {
        var z = new ZScores();
        using var reader = new LineReader(path);
        Span<Range> f = stackalloc Range[5];
        while (reader.TryReadLine(out ReadOnlySpan<byte> bytes))
        {
            string line = TextFields.Decode(bytes);
            int n = TextFields.Split(line.AsSpan(), f);
            if (n == 0)
            {
                continue;
            }

            if (n != 4)
            {
                ThrowHelper.Input(path, reader.LineNumber, 1, $"expected 4 fields 'topic measure mean stddev', found {n}");
            }

            double mean = TextFields.ParseScore(path, reader.LineNumber, line, f[2], "mean");
            double sd = TextFields.ParseScore(path, reader.LineNumber, line, f[3], "stddev");
            string topic = line[f[0]];
            if (!z._topics.TryGetValue(topic, out Dictionary<string, (double, double)>? measures))
            {
                measures = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
                z._topics[topic] = measures;
            }

            measures[line[f[1]]] = (mean, sd);
        }

        return z;
    }

    /// <summary>Replaces each of <paramref name="values"/> (one per measure) by its z-score for <paramref name="topic"/>.</summary>
    public void Convert(string topic, IReadOnlyList<Measure> measures, double[] values)
    {
        if (!_topics.TryGetValue(topic, out Dictionary<string, (double Mean, double StdDev)>? known))
        {
            Array.Fill(values, Missing);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!known.TryGetValue(measures[i].Id, out (double Mean, double StdDev) z))
            {
                values[i] = Missing;
            }
            else if (z.StdDev != 0)
            {
                values[i] = (values[i] - z.Mean) / z.StdDev;
            }
            else
            {
                values[i] = values[i] == z.Mean ? 0 : Missing;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_topics.Count} topics");
}
