using System.Globalization;
using System.Text.Json;
using Lodestar.Eval;
using Lodestar.Formats;

namespace Lodestar.Cli.Report;

/// <summary>
/// A self-contained HTML evaluation report: bars per task (or per measure), a per-topic scatter of the first two
/// runs, and recall curves. Chart.js (MIT, from npm, see <c>scripts/update-chartjs.sh</c>) is embedded, so the page
/// works offline.
/// </summary>
internal static class HtmlReport
{
    /// <summary>Cutoffs of the recall curves.</summary>
    public static readonly int[] RecallCutoffs = [1, 5, 10, 20, 50, 100, 200, 500, 1000];

    /// <summary>The measures the report needs besides the user's.</summary>
    public static IReadOnlyList<Measure> ChartMeasures { get; } =
        Measures.Parse(["ndcg_cut.10", "recall." + string.Join(',', RecallCutoffs)]);

    /// <summary>One task's evaluation of every run (the same runs, in the same order, for every task).</summary>
    public sealed record TaskResult(string Task, IReadOnlyList<EvalReport> Runs);

    /// <summary>What the report's table shows: every measure of every run, significance marks, and the settings
    /// the numbers came from.</summary>
    /// <param name="Runs">The evaluated runs, with the measures the user asked for.</param>
    /// <param name="Significance">Pairwise tests, or null when none were run.</param>
    /// <param name="Parameters">Name and value of each setting (qrels, run files, flags).</param>
    public sealed record Details(IReadOnlyList<EvalReport> Runs, PairwiseSignificance? Significance, IReadOnlyList<KeyValuePair<string, string>> Parameters);

    /// <summary>Writes the report atomically.</summary>
    public static void Write(string path, string title, IReadOnlyList<TaskResult> tasks, Details? details = null)
    {
        string[] runs = [.. tasks[0].Runs.Select(r => r.RunName)];
        var bars = tasks.Count > 1
            ? tasks.Select(t => new { label = t.Task, values = t.Runs.Select(r => r["ndcg_cut_10"]).ToArray() }).ToList()
            : ChartMeasures.Where(m => m.Id is "ndcg_cut_10" or "recall_100" or "recall_1000")
                .Select(m => new { label = MeasureNames.Display(m), values = tasks[0].Runs.Select(r => r[m.Id]).ToArray() }).ToList();
        var scatter = runs.Length < 2 ? [] : tasks.SelectMany(t =>
            t.Runs[0].TopicIds.Intersect(t.Runs[1].TopicIds).Select(q => new
            {
                topic = tasks.Count > 1 ? $"{t.Task}/{q}" : q,
                x = t.Runs[0].Value(q, "ndcg_cut_10"),
                y = t.Runs[1].Value(q, "ndcg_cut_10"),
            })).ToList();
        var recall = runs.Select((_, i) => RecallCutoffs.Select(k => tasks.Average(t => t.Runs[i][$"recall_{k}"])).ToArray()).ToArray();
        string data = JsonSerializer.Serialize(new { title, runs, barMeasure = tasks.Count > 1 ? "nDCG@10 per task" : "mean per measure", bars, scatter, recallCutoffs = RecallCutoffs, recall });
        string html = Template
            .Replace("{{TITLE}}", System.Net.WebUtility.HtmlEncode(title), StringComparison.Ordinal)
            .Replace("{{CHARTJS}}", ChartJs(), StringComparison.Ordinal)
            .Replace("{{TABLE}}", details is null ? "" : Table(details), StringComparison.Ordinal)
            .Replace("{{DATA}}", data.Replace("</", "<\\/", StringComparison.Ordinal), StringComparison.Ordinal)
            .Replace("{{GENERATED}}", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        AtomicFile.Write(path, s =>
        {
            using var w = new StreamWriter(s, leaveOpen: true);
            w.Write(html);
        });
    }

    private static string Table(Details d)
    {
        static string H(string s) => System.Net.WebUtility.HtmlEncode(s);
        Measure[] measures = [.. d.Runs[0].Measures.Where(m => m.IsNumeric)];
        var sb = new System.Text.StringBuilder();
        sb.Append("<h2>Every measure, every run</h2><table class=\"results\"><thead><tr><th>#</th><th>run</th>");
        foreach (Measure m in measures)
        {
            sb.Append("<th title=\"").Append(H(m.Id)).Append("\">").Append(H(MeasureNames.Display(m))).Append("</th>");
        }

        sb.Append("</tr></thead><tbody>");
        for (int i = 0; i < d.Runs.Count; i++)
        {
            sb.Append("<tr><td>").Append((char)('a' + (i % 26))).Append("</td><td>").Append(H(d.Runs[i].RunName)).Append("</td>");
            foreach (Measure m in measures)
            {
                double v = d.Runs[i][m.Id];
                bool best = !m.IsCount && d.Runs.Count > 1 && v == d.Runs.Max(r => r[m.Id]);
                string text = m.IsCount ? ((long)v).ToString(CultureInfo.InvariantCulture) : v.ToString("F4", CultureInfo.InvariantCulture);
                string marks = d.Significance?.MarksOf(i, m.Id) ?? "";
                sb.Append("<td>").Append(best ? "<b>" + text + "</b>" : text).Append(marks.Length > 0 ? "<sup>" + marks + "</sup>" : "").Append("</td>");
            }

            sb.Append("</tr>");
        }

        sb.Append("</tbody></table><p class=\"legend\">");
        sb.Append(d.Runs.Count > 1 ? "Bold: the best run on that measure. " : "");
        sb.Append(H(d.Significance?.Explanation ?? (d.Runs.Count > 1
            ? "No significance tests were run (add --compare for paired randomization tests between every pair of runs)."
            : "One run: nothing to compare.")));
        sb.Append("</p><h2>Parameters</h2><table class=\"params\">");
        foreach ((string name, string value) in d.Parameters)
        {
            sb.Append("<tr><th>").Append(H(name)).Append("</th><td>").Append(H(value)).Append("</td></tr>");
        }

        return sb.Append("</table>").ToString();
    }

    private static string ChartJs()
    {
        using Stream stream = typeof(HtmlReport).Assembly.GetManifestResourceStream("chart.umd.min.js")
            ?? throw new InvalidOperationException("chart.umd.min.js is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private const string Template = """
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{TITLE}}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}h1{font-size:1.4em}.grid{display:grid;grid-template-columns:1fr 1fr;gap:2em}
figure{margin:0}figcaption{font-weight:600;margin-bottom:.5em}canvas{width:100%!important;height:320px!important}footer{color:#666;margin-top:2em;font-size:.85em}
h2{font-size:1.1em;margin-top:1.5em}table{border-collapse:collapse;font-size:.85em;margin-bottom:.5em}td,th{padding:.25em .6em;border-bottom:1px solid #ddd}
table.results td{text-align:right;font-variant-numeric:tabular-nums}table.results td:nth-child(2){text-align:left}table.params th{text-align:left;font-weight:600}
.legend{color:#444;font-size:.85em;max-width:70em}sup{color:#b35900;font-weight:600}.hidden{display:none}</style>
<script>{{CHARTJS}}</script></head>
<body><h1>{{TITLE}}</h1>
{{TABLE}}
<h2>Charts</h2>
<figure><figcaption id="bars-title">Bars</figcaption><canvas id="bars"></canvas></figure>
<div class="grid"><figure id="scatter-figure"><figcaption>Per-topic nDCG@10: first run (x) vs second run (y)</figcaption><canvas id="scatter"></canvas></figure>
<figure><figcaption>Recall@k</figcaption><canvas id="recall"></canvas></figure></div>
<footer>Lodestar evaluation report, {{GENERATED}}. Values equal trec_eval's.</footer>
<script>
const data = {{DATA}};
const colors = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b'];
document.getElementById('bars-title').textContent = data.barMeasure;
// Each bar carries its value, so the chart reads without hovering.
const valueLabels = {id:'valueLabels', afterDatasetsDraw(chart){const ctx=chart.ctx; ctx.save(); ctx.font='11px system-ui,sans-serif'; ctx.fillStyle='#333'; ctx.textAlign='center';
  chart.data.datasets.forEach((ds,i)=>chart.getDatasetMeta(i).data.forEach((bar,j)=>ctx.fillText(ds.data[j].toFixed(4), bar.x, bar.y-4))); ctx.restore();}};
const unitTick = v => v < -0.001 || v > 1.001 ? '' : Number(v).toFixed(1);
const unitTicks = axis => { axis.ticks = [0, 0.2, 0.4, 0.6, 0.8, 1].map(v => ({value: v})); };
window.lodestarCharts = [];
window.lodestarCharts.push(new Chart(document.getElementById('bars'), {type:'bar', plugins:[valueLabels], options:{animation:false, layout:{padding:{top:18}}, scales:{y:{beginAtZero:true, grace:'8%'}}},
  data:{labels:data.bars.map(b=>b.label), datasets:data.runs.map((r,i)=>({label:r, backgroundColor:colors[i%colors.length], data:data.bars.map(b=>b.values[i])}))}}));
if (data.runs.length > 1) {
  // Points at 0 and 1 are drawn whole: the axes reach a little past the unit square and nothing is clipped.
  window.lodestarCharts.push(new Chart(document.getElementById('scatter'), {type:'scatter', options:{animation:false, layout:{padding:8}, scales:{x:{min:-0.02,max:1.02,afterBuildTicks:unitTicks,ticks:{callback:unitTick},title:{display:true,text:data.runs[0]}},y:{min:-0.02,max:1.02,afterBuildTicks:unitTicks,ticks:{callback:unitTick},title:{display:true,text:data.runs[1]}}},
    plugins:{tooltip:{callbacks:{label:c=>c.datasetIndex===0?data.scatter[c.dataIndex].topic:''}}}},
    data:{datasets:[{label:'topics', clip:false, backgroundColor:'#1f77b488', data:data.scatter.map(p=>({x:p.x,y:p.y}))}, {type:'line', label:'y = x', borderColor:'#999', pointRadius:0, data:[{x:0,y:0},{x:1,y:1}]}]}}));
} else {
  document.getElementById('scatter-figure').classList.add('hidden');
}
window.lodestarCharts.push(new Chart(document.getElementById('recall'), {type:'line', options:{animation:false, layout:{padding:8}, scales:{x:{type:'logarithmic',title:{display:true,text:'k'}},y:{min:0,max:1.02,afterBuildTicks:unitTicks,ticks:{callback:unitTick}}}},
  data:{labels:data.recallCutoffs, datasets:data.runs.map((r,i)=>({label:r, clip:false, borderColor:colors[i%colors.length], backgroundColor:colors[i%colors.length], data:data.recallCutoffs.map((k,j)=>({x:k,y:data.recall[i][j]}))}))}}));
document.body.dataset.rendered = 'true';
</script></body></html>
""";
}
