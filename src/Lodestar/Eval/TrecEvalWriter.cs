using System.Globalization;

namespace Lodestar.Eval;

/// <summary>Prints an <see cref="EvalReport"/> byte for byte as trec_eval does: <c>%-22s\t%s\t%6.4f</c>.</summary>
/// <remarks>Values are rounded half-to-even on their exact binary value, as C's printf does.</remarks>
public static class TrecEvalWriter
{
    /// <summary>Writes per-topic lines (when <paramref name="perTopic"/>), then the <c>all</c> lines.</summary>
    public static void Write(TextWriter writer, EvalReport report, bool perTopic)
    {
        if (perTopic)
        {
            foreach (string topic in report.TopicIds)
            {
                double[] values = report.PerTopic[topic];
                for (int m = 0; m < report.Measures.Count; m++)
                {
                    Measure measure = report.Measures[m];
                    if (measure.Aggregation != Aggregation.GeometricMean && measure.Family != "num_q")
                    {
                        writer.Write(Line(measure, topic, values[m]));
                    }
                }
            }
        }

        writer.Write($"{"runid",-22}\tall\t{report.RunName}\n");
        for (int m = 0; m < report.Measures.Count; m++)
        {
            writer.Write(Line(report.Measures[m], "all", report.All[m]));
        }
    }

    private static string Line(Measure measure, string topic, double value) =>
        $"{measure.Id,-22}\t{topic}\t{(measure.IsCount ? ((long)value).ToString(CultureInfo.InvariantCulture) : Format4(value))}\n";

    /// <summary>printf("%6.4f"): four decimals, ties to even on the exact value, padded to width 6.</summary>
    public static string Format4(double value)
    {
        string exact = Math.Abs(value).ToString("F40", CultureInfo.InvariantCulture);
        int dot = exact.IndexOf('.');
        string tail = exact[(dot + 5)..];
        decimal kept = decimal.Parse(exact[..(dot + 5)], CultureInfo.InvariantCulture);
        bool up = tail[0] > '5' || (tail[0] == '5' && (tail.AsSpan(1).ContainsAnyExcept('0') || (int)(kept * 10000 % 2) == 1));
        if (up)
        {
            kept += 0.0001m;
        }

        string text = (value < 0 && kept != 0 ? "-" : "") + kept.ToString("F4", CultureInfo.InvariantCulture);
        return text.PadLeft(6);
    }
}
