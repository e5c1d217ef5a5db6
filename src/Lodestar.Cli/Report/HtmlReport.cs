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

    /// <summary>Writes the report atomically.</summary>
    public static void Write(string path, string title, IReadOnlyList<TaskResult> tasks)
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
            .Replace("{{DATA}}", data.Replace("</", "<\\/", StringComparison.Ordinal), StringComparison.Ordinal)
            .Replace("{{GENERATED}}", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), StringComparison.Ordinal);
        AtomicFile.Write(path, s =>
        {
            using var w = new StreamWriter(s, leaveOpen: true);
            w.Write(html);
        });
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
figure{margin:0}figcaption{font-weight:600;margin-bottom:.5em}canvas{width:100%!important;height:320px!important}footer{color:#666;margin-top:2em;font-size:.85em}</style>
<script>{{CHARTJS}}</script></head>
<body><h1>{{TITLE}}</h1>
<figure><figcaption id="bars-title">Bars</figcaption><canvas id="bars"></canvas></figure>
<div class="grid"><figure><figcaption>Per-topic nDCG@10: first run (x) vs second run (y)</figcaption><canvas id="scatter"></canvas></figure>
<figure><figcaption>Recall@k</figcaption><canvas id="recall"></canvas></figure></div>
<footer>Lodestar evaluation report, {{GENERATED}}. Values equal trec_eval's.</footer>
<script>
const data = {{DATA}};
const colors = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b'];
document.getElementById('bars-title').textContent = data.barMeasure;
window.lodestarCharts = [];
window.lodestarCharts.push(new Chart(document.getElementById('bars'), {type:'bar', options:{animation:false, scales:{y:{beginAtZero:true}}},
  data:{labels:data.bars.map(b=>b.label), datasets:data.runs.map((r,i)=>({label:r, backgroundColor:colors[i%colors.length], data:data.bars.map(b=>b.values[i])}))}}));
window.lodestarCharts.push(new Chart(document.getElementById('scatter'), {type:'scatter', options:{animation:false, scales:{x:{min:0,max:1,title:{display:true,text:data.runs[0]}},y:{min:0,max:1,title:{display:true,text:data.runs[1]||''}}},
  plugins:{tooltip:{callbacks:{label:c=>data.scatter[c.dataIndex].topic}}}},
  data:{datasets:[{label:'topics', backgroundColor:'#1f77b488', data:data.scatter.map(p=>({x:p.x,y:p.y}))}, {type:'line', label:'y = x', borderColor:'#999', pointRadius:0, data:[{x:0,y:0},{x:1,y:1}]}]}}));
window.lodestarCharts.push(new Chart(document.getElementById('recall'), {type:'line', options:{animation:false, scales:{x:{type:'logarithmic',title:{display:true,text:'k'}},y:{min:0,max:1}}},
  data:{labels:data.recallCutoffs, datasets:data.runs.map((r,i)=>({label:r, borderColor:colors[i%colors.length], data:data.recallCutoffs.map((k,j)=>({x:k,y:data.recall[i][j]}))}))}}));
document.body.dataset.rendered = 'true';
</script></body></html>
""";
}
