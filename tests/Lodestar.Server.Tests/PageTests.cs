using System.Text.Json;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Pipeline;
using Lodestar.Model;
using Lodestar.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Lodestar.Server.Tests;

/// <summary>A fact that needs Debian's Chromium; skipped, with the reason, where it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = "Chromium is not installed (apt-get install chromium); .ci/run installs it";
        }
    }
}

/// <summary>The page at / in headless Chromium: search, open a document, expand a reasoning trace, switch experiment.
/// Screenshots go to docs/images/.</summary>
public sealed class PageTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    /// <summary>Two real experiment folders: Cranfield's BM25 run in BRIGHT's and Lucene's variants, evaluated.</summary>
    private (string Name, string Path)[] Experiments()
    {
        string root = Helpers.RepoRoot();
        List<Topic> topics = TopicReader.Read(Path.Combine(root, "data/cranfield/queries.jsonl"));
        Qrels qrels = QrelsFormat.Read(Path.Combine(root, "data/cranfield/qrels/test.tsv"));
        using IndexReader reader = IndexReader.Open(f.IndexPath);
        var list = new List<(string, string)>();
        foreach (Bm25Mode mode in new[] { Bm25Mode.Bright, Bm25Mode.Lucene })
        {
            string name = "bm25-" + mode.ToString().ToLowerInvariant();
            string dir = Path.Combine(f.Dir, "experiments", name);
            Directory.CreateDirectory(Path.Combine(dir, "cranfield"));
            Run run = new Searcher(reader, new Bm25Parameters(mode, 0.9, 0.4)).Search(topics, 100);
            EvalReport report = Evaluator.Evaluate(qrels, run, Measures.Parse(["ndcg_cut.10", "recall.100", "map"]));
            File.WriteAllLines(Path.Combine(dir, "cranfield", "eval.tsv"), report.Measures.Select((m, i) => FormattableString.Invariant($"{m.Id}\t{report.All[i]:F5}")));
            var manifest = new ExperimentManifest { Parameters = { ["retriever"] = name } };
            manifest.Tasks["cranfield"] = new() { ["eval"] = new StepRecord { Key = "k", Inputs = [], Outputs = [], Finished = "2026-01-01T00:00:00Z", Figures = { ["ndcg_cut_10"] = report["ndcg_cut_10"] } } };
            manifest.Save(dir);
            list.Add((name, dir));
        }

        return [.. list];
    }

    [ChromiumFact]
    public async Task Page_SearchOpenDocumentExpandReasoningSwitchExperiment()
    {
        string root = Helpers.RepoRoot();
        (string Name, string Path)[] experiments = Experiments();
        WebApplication app = await ServerFixture.StartAsync(f, new ServerOptions
        {
            Indexes = [("cranfield", f.IndexPath)],
            Chat = ServerFixture.ChatFor(f.Llm.Url),
            StorePath = Path.Combine(f.Dir, "page.db"),
            TopicsPath = Path.Combine(root, "data/cranfield/queries.jsonl"),
            QrelsPath = Path.Combine(root, "data/cranfield/qrels/test.tsv"),
            Experiments = experiments,
        });
        await using var _ = app;
        string url = app.Urls.First();

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        var external = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(url, StringComparison.Ordinal))
            {
                external.Add(request.Url);
            }
        };
        await page.GotoAsync(url + "/");
        await page.WaitForFunctionAsync("document.body.dataset.ready === 'true'");

        // Search: topic 1 reranked with K = 3.
        await page.SelectOptionAsync("#topic", "1");
        await page.CheckAsync("#rerank");
        await page.FillAsync("#samples", "3");
        await page.ClickAsync("#go");
        await page.WaitForFunctionAsync("document.body.dataset.searched === '1'");
        Assert.Equal(10, await page.Locator("#hits > li").CountAsync());
        string summary = await page.InnerTextAsync("#summary");
        var (_, api, _) = await Helpers.PostAsync(f.Http, "/v1/search", """{"topic": "1", "k": 10, "explain": true, "rerank": {"samples": 3}}""");
        double final = api.GetProperty("ndcg_cut_10").GetProperty("final").GetDouble();
        Assert.Contains($"→ reranked {final:F4}", summary);
        Assert.Equal(api.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()),
            await page.Locator("#hits > li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.doc)"));

        // Open the first document: its text, with the query's terms marked.
        string firstId = api.GetProperty("hits")[0].GetProperty("id").GetString()!;
        await page.Locator("#hits > li").First.Locator(".doc-link").ClickAsync();
        await page.WaitForFunctionAsync($"document.getElementById('document').dataset.doc === {JsonSerializer.Serialize(firstId)}");
        using (IndexReader reader = IndexReader.Open(f.IndexPath))
        {
            reader.TryGetDoc(firstId, out int doc);
            Assert.Equal(reader.GetText(doc), await page.InnerTextAsync("#doc-text"));
        }

        Assert.True(await page.Locator("#doc-text mark.term").CountAsync() > 0);

        // Expand the first reasoning trace: three samples, each score tag marked, and the spread.
        await page.Locator("#hits > li").First.Locator("details.reasoning > summary").ClickAsync();
        Assert.Equal(3, await page.Locator("#hits > li").First.Locator(".sample").CountAsync());
        string[] tags = await page.Locator("#hits > li").First.Locator("mark.score-tag").AllInnerTextsAsync() is { } t ? [.. t] : [];
        int[] scores = [.. api.GetProperty("hits")[0].GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("score").GetInt32())];
        Assert.Equal(scores.Select(s => $"<score>{s}</score>"), tags);
        Assert.Contains($"spread: min {scores.Min()}", await page.Locator("#hits > li").First.Locator(".spread").InnerTextAsync());
        string docs = Path.Combine(root, "docs", "images");
        Directory.CreateDirectory(docs);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(docs, "serve-search.png"), FullPage = false });

        // Experiments: the first is shown, then switch to the second.
        await page.ClickAsync("#tab-experiments");
        await page.WaitForFunctionAsync($"document.body.dataset.experiment === '{experiments[0].Name}'");
        await page.SelectOptionAsync("#experiment", experiments[1].Name);
        await page.WaitForFunctionAsync($"document.body.dataset.experiment === '{experiments[1].Name}'");
        string[] cells = [.. await page.Locator("#experiment-table tbody td").AllInnerTextsAsync()];
        string eval = File.ReadAllText(Path.Combine(experiments[1].Path, "cranfield", "eval.tsv"));
        string ndcg = eval.Split('\n').First(l => l.StartsWith("ndcg_cut_10", StringComparison.Ordinal)).Split('\t')[1].Trim();
        Assert.Equal("cranfield", cells[0]);
        Assert.Contains(double.Parse(ndcg, System.Globalization.CultureInfo.InvariantCulture).ToString("F4", System.Globalization.CultureInfo.InvariantCulture), cells);
        Assert.Equal(1, await page.Locator("#experiment-chart svg rect").CountAsync());
        // The comparison: one column per experiment, each its own eval.tsv's nDCG@10.
        Assert.Equal(["task", .. experiments.Select(x => x.Name)], await page.Locator("#experiment-compare thead th").AllInnerTextsAsync());
        string[] compared = [.. await page.Locator("#experiment-compare tbody td").AllInnerTextsAsync()];
        string[] expected = ["cranfield", .. experiments.Select(x => double.Parse(File.ReadAllLines(Path.Combine(x.Path, "cranfield", "eval.tsv"))
            .First(l => l.StartsWith("ndcg_cut_10", StringComparison.Ordinal)).Split('\t')[1], System.Globalization.CultureInfo.InvariantCulture)
            .ToString("F4", System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(expected, compared);
        Assert.Equal(experiments[1].Name, await page.InnerTextAsync("#experiment-compare thead th.selected"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(docs, "serve-experiments.png") });

        Assert.Empty(errors);
        Assert.Empty(external);
    }
}
