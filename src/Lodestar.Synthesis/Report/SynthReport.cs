using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lodestar.Synthesis.Data;
using Lodestar.Synthesis.Mcts;

namespace Lodestar.Synthesis.Report;

/// <summary><c>synth report</c>: counts, query-length distributions and (as HTML) an MCTS tree viewer of a synthesis folder.</summary>
public static class SynthReport
{
    /// <summary>The counts of a folder as (name, value) rows.</summary>
    public static List<(string Name, string Value)> Counts(string folder)
    {
        var rows = new List<(string, string)>();
        string summaryPath = Path.Combine(folder, MctsOutput.Summary);
        if (File.Exists(summaryPath) && JsonNode.Parse(File.ReadAllText(summaryPath)) is JsonObject s)
        {
            foreach (string key in new[] { "model", "problems", "finished", "solved", "nodes", "query_nodes", "pruned_query_nodes", "pairs", "positives", "negatives", "unlabelled_documents", "calls", "tokens_in", "tokens_out" })
            {
                rows.Add((key, s[key]?.ToString() ?? ""));
            }

            rows.Add(("unparseable", s["unparseable"] is JsonObject u && u.Count > 0 ? string.Join(", ", u.Select(kv => $"{kv.Key} {kv.Value}")) : "none"));
        }

        string trees = Path.Combine(folder, MctsOutput.Trees);
        if (File.Exists(trees))
        {
            List<JsonObject> all = [.. Jsonl.Read(trees).Select(t => t.Value)];
            int paths = all.Sum(t => t["nodes"]!.AsArray().Count(n => n!["terminal"]!.GetValue<bool>()));
            int correct = all.Sum(t => t["nodes"]!.AsArray().Count(n => n!["correct"]?.GetValue<bool>() == true));
            rows.Add(("terminal paths", paths.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            rows.Add(("correct paths", correct.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        foreach ((string kind, List<JsonObject> qs) in QueriesByKind(folder))
        {
            rows.Add(($"{kind}: queries / positives / negatives",
                $"{qs.Count} / {qs.Sum(q => SynthFolder.Ids(q, "positives").Count)} / {qs.Sum(q => SynthFolder.Ids(q, "negatives").Count)}"));
        }

        return rows;
    }

    /// <summary>Query length in words per kind: (kind, count, min, median, mean, max).</summary>
    public static List<(string Kind, int Count, int Min, double Median, double Mean, int Max)> Lengths(string folder) =>
        [.. QueriesByKind(folder).Select(kv =>
        {
            int[] words = [.. kv.Value.Select(q => q["query"]!.GetValue<string>().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length).Order()];
            double median = words.Length % 2 == 1 ? words[words.Length / 2] : (words[words.Length / 2 - 1] + words[words.Length / 2]) / 2.0;
            return (kv.Key, words.Length, words[0], median, words.Average(), words[^1]);
        })];

    private static SortedDictionary<string, List<JsonObject>> QueriesByKind(string folder)
    {
        var map = new SortedDictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        bool any = File.Exists(Path.Combine(folder, SynthFolder.Negatives)) || File.Exists(Path.Combine(folder, SynthFolder.Queries)) || File.Exists(Path.Combine(folder, MctsOutput.Pairs));
        foreach (JsonObject q in any ? SynthFolder.ReadQueries(folder) : [])
        {
            string kind = q["kind"]?.GetValue<string>() ?? "q_mcts";
            if (!map.TryGetValue(kind, out List<JsonObject>? list))
            {
                map[kind] = list = [];
            }

            list.Add(q);
        }

        return map;
    }

    /// <summary>A self-contained HTML page: counts, length distributions and the tree viewer (no network).</summary>
    public static string Html(string folder)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>lodestar synth report</title><style>")
            .Append(Resources.Css).Append("</style></head><body><h1>Synthesis report</h1><h2>Counts</h2><table id=\"counts\">");
        foreach ((string name, string value) in Counts(folder))
        {
            sb.Append("<tr><th>").Append(WebUtility.HtmlEncode(name)).Append("</th><td>").Append(WebUtility.HtmlEncode(value)).Append("</td></tr>");
        }

        sb.Append("</table><h2>Query length (words)</h2><table id=\"lengths\"><tr><th>kind</th><th>queries</th><th>min</th><th>median</th><th>mean</th><th>max</th></tr>");
        foreach (var l in Lengths(folder))
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"<tr><td>{WebUtility.HtmlEncode(l.Kind)}</td><td>{l.Count}</td><td>{l.Min}</td><td>{l.Median:F1}</td><td>{l.Mean:F1}</td><td>{l.Max}</td></tr>");
        }

        sb.Append("</table><h2>Trees</h2><p>Nodes show visits N and Q-value; the rewarded path is highlighted; pruned queries are struck through.</p>")
            .Append("<select id=\"problem\"></select><div id=\"tree\"></div><script type=\"application/json\" id=\"data\">");
        var trees = new JsonArray();
        string treesPath = Path.Combine(folder, MctsOutput.Trees);
        if (File.Exists(treesPath))
        {
            foreach ((_, JsonObject t) in Jsonl.Read(treesPath))
            {
                trees.Add(t);
            }
        }

        // JSON inside <script>: "</" must not appear, so every '<' is escaped.
        sb.Append(trees.ToJsonString().Replace("<", "\\u003c", StringComparison.Ordinal)).Append("</script><script>").Append(Resources.Script).Append("</script></body></html>");
        return sb.ToString();
    }

    private static class Resources
    {
        public const string Css = "body{font:14px sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin-bottom:1em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}" +
            "ul.tree{list-style:none;padding-left:1.4em;border-left:1px dotted #aaa}.node{margin:4px 0}.head{font-weight:bold}.rewarded>.head{background:#d9f7d9}" +
            ".pruned>.head{text-decoration:line-through;color:#888}.text{white-space:pre-wrap;color:#333}.doc{margin-left:1em}.relevant{color:#176117}.irrelevant{color:#a11}.unlabelled{color:#777}";

        public const string Script = """
            const trees = JSON.parse(document.getElementById('data').textContent);
            const select = document.getElementById('problem');
            trees.forEach((t, i) => { const o = document.createElement('option'); o.value = i; o.textContent = t.id + (t.solved ? ' (solved)' : ''); select.appendChild(o); });
            function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
            function render(i) {
              const root = document.getElementById('tree'); root.innerHTML = '';
              const t = trees[i]; if (!t) return;
              root.appendChild(el('p', 'problem', t.problem + '  [gold: ' + t.answer + ']'));
              const children = {}; t.nodes.forEach(n => { (children[n.parent] = children[n.parent] || []).push(n); });
              function build(n) {
                const li = el('li', 'node' + (n.rewarded_path ? ' rewarded' : '') + (n.pruned ? ' pruned' : ''));
                li.dataset.id = n.id;
                li.appendChild(el('div', 'head', n.id + ' ' + n.action + ' · N=' + n.visits + ' · Q=' + n.q.toFixed(3) + (n.terminal && n.action !== 'root' ? (n.correct ? ' · reward 1' : ' · reward 0') : '')));
                if (n.text) li.appendChild(el('div', 'text', (n.action === 'query' ? 'Query: ' : '') + n.text));
                (n.documents || []).forEach(d => li.appendChild(el('div', 'doc ' + d.label, d.rank + '. ' + d.docid + ' — ' + d.label + (d.reason ? ': ' + d.reason : ''))));
                if (n.answer !== undefined && n.answer !== null) li.appendChild(el('div', 'answer', 'answer: ' + n.answer + ' (' + n.rule + ')'));
                const kids = children[n.id] || [];
                if (kids.length) { const ul = el('ul', 'tree'); kids.forEach(k => ul.appendChild(build(k))); li.appendChild(ul); }
                return li;
              }
              const ul = el('ul', 'tree'); ul.appendChild(build(t.nodes[0])); root.appendChild(ul);
            }
            select.addEventListener('change', () => render(select.value));
            render(0);
            document.body.dataset.rendered = 'true';
            """;
    }
}
