using System.Globalization;
using System.Text;

namespace Lodestar.Eval;

/// <summary>
/// A LaTeX table of runs by measures for a paper, in the layout ranx prints: booktabs rules, one letter per run, the
/// best value of each measure in bold, and superscript letters for the runs a value is significantly better than.
/// </summary>
/// <remarks>Needs <c>\usepackage{booktabs}</c>. Counts (num_ret…) are left out; run names are escaped.</remarks>
public static class EvalLatexWriter
{
    /// <summary>Writes the table of the averaged measures of <paramref name="reports"/>.</summary>
    public static void Write(TextWriter w, IReadOnlyList<EvalReport> reports, PairwiseSignificance? significance, int decimals = 4)
    {
        Measure[] measures = [.. reports[0].Measures.Where(m => m.IsNumeric && !m.IsCount)];
        string format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        w.WriteLine("\\begin{table}[t]");
        w.WriteLine("\\centering");
        string caption = significance is null
            ? "Evaluation of " + reports.Count.ToString(CultureInfo.InvariantCulture) + " run(s); best value of each measure in bold."
            : "Best value of each measure in bold. " + significance.Explanation;
        w.WriteLine("\\caption{" + Escape(caption) + "}");
        w.WriteLine("\\begin{tabular}{cl" + new string('c', measures.Length) + "}");
        w.WriteLine("\\toprule");
        w.WriteLine("\\# & Run & " + string.Join(" & ", measures.Select(m => Escape(MeasureNames.Display(m)))) + " \\\\");
        w.WriteLine("\\midrule");
        double[] best = [.. measures.Select(m => reports.Max(r => r[m.Id]))];
        for (int i = 0; i < reports.Count; i++)
        {
            var row = new StringBuilder();
            row.Append(significance?.Letters[i] ?? ((char)('a' + (i % 26))).ToString()).Append(" & ").Append(Escape(reports[i].RunName));
            for (int m = 0; m < measures.Length; m++)
            {
                double v = reports[i][measures[m].Id];
                string text = v.ToString(format, CultureInfo.InvariantCulture);
                row.Append(" & ").Append(v == best[m] ? "\\textbf{" + text + "}" : text);
                string marks = significance?.MarksOf(i, measures[m].Id) ?? "";
                if (marks.Length > 0)
                {
                    row.Append("$^{").Append(marks).Append("}$");
                }
            }

            w.WriteLine(row.Append(" \\\\").ToString());
        }

        w.WriteLine("\\bottomrule");
        w.WriteLine("\\end{tabular}");
        w.WriteLine("\\end{table}");
    }

    /// <summary>Escapes LaTeX's special characters.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            _ = c switch
            {
                '\\' => sb.Append("\\textbackslash{}"),
                '&' or '%' or '$' or '#' or '_' or '{' or '}' => sb.Append('\\').Append(c),
                '~' => sb.Append("\\textasciitilde{}"),
                '^' => sb.Append("\\textasciicircum{}"),
                '<' => sb.Append("$<$"),
                '>' => sb.Append("$>$"),
                '×' => sb.Append("$\\times$"),
                '–' => sb.Append("--"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }
}
