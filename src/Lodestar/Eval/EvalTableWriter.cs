using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lodestar.Eval;

/// <summary>Writes evaluation results as an aligned text table, Markdown, CSV or JSON.</summary>
public static class EvalTableWriter
{
    /// <summary>The output layouts.</summary>
    public enum Layout
    {
        /// <summary>Aligned columns for a terminal.</summary>
        Text,

        /// <summary>A GitHub Markdown table.</summary>
        Markdown,

        /// <summary>Comma-separated values with a header.</summary>
        Csv,

        /// <summary>One JSON document.</summary>
        Json,
    }

    /// <summary>Writes one row per run (and per topic when <paramref name="perTopic"/>), one column per measure.</summary>
    public static void Write(TextWriter w, IReadOnlyList<EvalReport> reports, IReadOnlyList<Comparison> comparisons, Layout layout, bool perTopic, int decimals = 4)
    {
        if (layout == Layout.Json)
        {
            WriteJson(w, reports, comparisons, perTopic);
            return;
        }

        IReadOnlyList<Measure> all = reports[0].Measures;
        int[] shown = [.. Enumerable.Range(0, all.Count).Where(i => all[i].IsNumeric)];
        var header = new List<string> { "run", "topic" };
        header.AddRange(shown.Select(i => MeasureNames.Display(all[i])));
        var rows = new List<List<string>>();
        foreach (EvalReport r in reports)
        {
            if (perTopic)
            {
                foreach (string t in r.TopicIds)
                {
                    rows.Add([r.RunName, t, .. shown.Select(i => Number(all[i], r.PerTopic[t][i], decimals))]);
                }
            }

            rows.Add([r.RunName, "all", .. shown.Select(i => Number(all[i], r.All[i], decimals))]);
        }

        WriteGrid(w, header, rows, layout);
        if (comparisons.Count > 0)
        {
            w.WriteLine();
            var compareHeader = new List<string> { "run", "measure", "delta", "t-test p", "randomization p", "Holm p", "win/tie/loss" };
            var compareRows = comparisons.Select(c => new List<string>
            {
                c.Run, MeasureNames.Display(all.First(m => m.Id == c.MeasureId)), c.Delta.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture),
                P(c.TTestP), P(c.RandomizationP), P(c.HolmP) + (c.HolmP < 0.05 ? " *" : ""), $"{c.Wins}/{c.Ties}/{c.Losses}",
            }).ToList();
            WriteGrid(w, compareHeader, compareRows, layout);
        }
    }

    private static string P(double p) => p < 0.0001 ? "<0.0001" : p.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Number(Measure m, double v, int decimals) =>
        m.IsCount ? ((long)v).ToString(CultureInfo.InvariantCulture) : v.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>Writes a header and rows as aligned text (the first <paramref name="leftColumns"/> columns left-aligned,
    /// the rest right-aligned), Markdown or CSV; used by every table the CLI prints.</summary>
    public static void WriteGrid(TextWriter w, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, Layout layout, int leftColumns = 2)
    {
        switch (layout)
        {
            case Layout.Csv:
                foreach (IReadOnlyList<string> row in rows.Prepend(header))
                {
                    w.WriteLine(string.Join(',', row.Select(Csv)));
                }

                break;
            case Layout.Markdown:
                w.WriteLine("| " + string.Join(" | ", header) + " |");
                w.WriteLine("|" + string.Concat(header.Select((_, i) => i < leftColumns ? "---|" : "---:|")));
                foreach (IReadOnlyList<string> row in rows)
                {
                    w.WriteLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
                }

                break;
            default:
                int[] widths = [.. header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length)))];
                foreach (IReadOnlyList<string> row in rows.Prepend(header))
                {
                    var sb = new StringBuilder();
                    for (int i = 0; i < row.Count; i++)
                    {
                        sb.Append(i < leftColumns ? row[i].PadRight(widths[i]) : row[i].PadLeft(widths[i])).Append(i + 1 < row.Count ? "  " : "");
                    }

                    w.WriteLine(sb.ToString().TrimEnd());
                }

                break;
        }
    }

    private static string Csv(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    // Written field by field rather than by serializing anonymous objects: reflection-based serialization is off in the
    // native AOT build. Same document as before: indented, camelCase names, per-topic values only when asked.
    private static void WriteJson(TextWriter w, IReadOnlyList<EvalReport> reports, IReadOnlyList<Comparison> comparisons, bool perTopic)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("runs");
            foreach (EvalReport r in reports)
            {
                json.WriteStartObject();
                json.WriteString("run", r.RunName);
                json.WritePropertyName("all");
                WriteMeasures(json, r, r.All);
                json.WritePropertyName("topics");
                if (perTopic)
                {
                    json.WriteStartObject();
                    foreach (string topic in r.TopicIds)
                    {
                        json.WritePropertyName(topic);
                        WriteMeasures(json, r, r.PerTopic[topic]);
                    }

                    json.WriteEndObject();
                }
                else
                {
                    json.WriteNullValue();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("comparisons");
            foreach (Comparison c in comparisons)
            {
                json.WriteStartObject();
                json.WriteString("run", c.Run);
                json.WriteString("measureId", c.MeasureId);
                json.WriteNumber("delta", c.Delta);
                json.WriteNumber("tTestP", c.TTestP);
                json.WriteNumber("randomizationP", c.RandomizationP);
                json.WriteNumber("holmP", c.HolmP);
                json.WriteNumber("wins", c.Wins);
                json.WriteNumber("ties", c.Ties);
                json.WriteNumber("losses", c.Losses);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        w.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private static void WriteMeasures(Utf8JsonWriter json, EvalReport report, IReadOnlyList<double> values)
    {
        json.WriteStartObject();
        for (int i = 0; i < report.Measures.Count; i++)
        {
            if (report.Measures[i].IsNumeric)
            {
                json.WriteNumber(report.Measures[i].Id, values[i]);
            }
        }

        json.WriteEndObject();
    }
}
