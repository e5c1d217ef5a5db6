using Microsoft.Playwright;

namespace Lodestar.Cli.Tests;

/// <summary>A fact that needs Debian's Chromium; skipped, with the reason, where it is not installed or where
/// <c>LODESTAR_NO_BROWSER</c> is set.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Set (to anything) to skip the browser tests.</summary>
    public const string NoBrowserVariable = "LODESTAR_NO_BROWSER";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = "Chromium is not installed (apt-get install chromium); .ci/run installs it";
        }
        else if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NoBrowserVariable)))
        {
            Skip = $"{NoBrowserVariable} is set: the browser tests are skipped";
        }
    }
}

public class HtmlReportTests
{
    [ChromiumFact]
    public async Task EvalHtml_RendersThreeChartsInHeadlessChromium()
    {
        string root = CliTests.RepoRoot();

        string dir = Path.Combine(Path.GetTempPath(), "lodestar-html-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var o = new StringWriter();
            var e = new StringWriter();
            var ctx = new CliContext(o, e, false, new StringReader(""));
            string index = Path.Combine(dir, "index");
            Assert.Equal(0, Cli.Run(["index", Path.Combine(root, "data/cranfield/corpus.jsonl.gz"), "-o", index], ctx));
            foreach (string mode in new[] { "bright", "lucene" })
            {
                Assert.Equal(0, Cli.Run(["search", index, "--topics", Path.Combine(root, "data/cranfield/queries.jsonl"), "--bm25", mode, "-o", Path.Combine(dir, $"{mode}.txt")], ctx));
            }

            string html = Path.Combine(dir, "report.html");
            Assert.Equal(0, Cli.Run(["eval", Path.Combine(root, "data/cranfield/qrels/test.tsv"), Path.Combine(dir, "bright.txt"), Path.Combine(dir, "lucene.txt"), "--html", html, "--compare", "--permutations", "2000"], ctx));

            using IPlaywright playwright = await Playwright.CreateAsync();
            await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumFactAttribute.Path,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
            var errors = new List<string>();
            page.PageError += (_, message) => errors.Add(message);
            await page.GotoAsync(new Uri(html).AbsoluteUri);
            await page.WaitForFunctionAsync("document.body.dataset.rendered === 'true'");

            Assert.Empty(errors);
            Assert.Equal(3, await page.EvaluateAsync<int>("window.lodestarCharts.length"));
            // Every canvas has drawn pixels, and the bar chart has one bar series per run.
            int[] painted = await page.EvaluateAsync<int[]>(
                "[...document.querySelectorAll('canvas')].map(c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })");
            Assert.Equal(3, painted.Length);
            Assert.All(painted, n => Assert.True(n > 1000, $"a chart painted only {n} pixels"));
            Assert.Equal(2, await page.EvaluateAsync<int>("window.lodestarCharts[0].data.datasets.length"));
            Assert.Equal(225, await page.EvaluateAsync<int>("window.lodestarCharts[1].data.datasets[0].data.length"));

            // The table: every measure of both runs, the best values bold, significance letters and what they mean, the settings.
            Assert.Equal(2, await page.EvaluateAsync<int>("document.querySelectorAll('table.results tbody tr').length"));
            Assert.Equal(10, await page.EvaluateAsync<int>("document.querySelectorAll('table.results thead th').length"));
            Assert.Equal(8, await page.EvaluateAsync<int>("document.querySelectorAll('table.results b').length"));
            Assert.Equal("a", await page.EvaluateAsync<string>("document.querySelector('table.results tbody tr:nth-child(2) sup').textContent"));
            Assert.Contains("paired randomization test, 2,000 permutations", await page.EvaluateAsync<string>("document.querySelector('.legend').textContent"));
            Assert.Contains("Holm", await page.EvaluateAsync<string>("document.querySelector('.legend').textContent"));
            Assert.True(await page.EvaluateAsync<int>("document.querySelectorAll('table.params tr').length") >= 8);

            // No point is clipped: the scatter's axes reach past [0, 1].
            Assert.True(await page.EvaluateAsync<double>("window.lodestarCharts[1].scales.x.min") < 0);

            string shot = Path.Combine(AppContext.BaseDirectory, "TestResults", "report.png");
            Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            Assert.True(new FileInfo(shot).Length > 10_000);

            // One run: no empty scatter; the bars and recall curve remain.
            string single = Path.Combine(dir, "single.html");
            Assert.Equal(0, Cli.Run(["eval", Path.Combine(root, "data/cranfield/qrels/test.tsv"), Path.Combine(dir, "bright.txt"), "--html", single], ctx));
            await page.GotoAsync(new Uri(single).AbsoluteUri);
            await page.WaitForFunctionAsync("document.body.dataset.rendered === 'true'");
            Assert.Equal(2, await page.EvaluateAsync<int>("window.lodestarCharts.length"));
            Assert.False(await page.EvaluateAsync<bool>("document.getElementById('scatter-figure').offsetParent !== null"));
            Assert.Contains("One run", await page.EvaluateAsync<string>("document.querySelector('.legend').textContent"));
            Assert.Empty(errors);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
