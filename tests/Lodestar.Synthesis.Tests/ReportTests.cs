using Microsoft.Playwright;

namespace Lodestar.Synthesis.Tests;

/// <summary>The HTML report's tree viewer, rendered in headless Chromium.</summary>
public sealed class ReportTests
{
    [ChromiumFact]
    public async Task TreeViewer_ShowsVisitsQLabelsAndTheRewardedPath()
    {
        string dir = Paths.TempDir();
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => ScriptedPolicy.Answer(ctx, n, body));
        try
        {
            string index = Paths.TheoremIndex(dir);
            string problems = Path.Combine(dir, "problems.jsonl");
            File.WriteAllText(problems, ScriptedPolicy.ProblemsJsonl);
            string output = Path.Combine(dir, "out");
            var (code, _, err) = Paths.Cli("synth", "mcts", "--problems", problems, "--index", index, "--endpoint", server.Url.ToString(), "--model", "policy",
                "--in-flight", "4", "--rollouts", "6", "--max-depth", "2", "--top", "3", "-o", output);
            Assert.True(code == 0, err);
            string html = Path.Combine(dir, "report.html");
            (code, string text, err) = Paths.Cli("synth", "report", output, "--html", html);
            Assert.True(code == 0, err);
            Assert.Contains("solved\t2", text);
            Assert.Contains("length q_mcts\tn 1 min 4 median 4.0 mean 4.0 max 4", text);

            using IPlaywright playwright = await Playwright.CreateAsync();
            await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumFactAttribute.Path,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            IPage page = await browser.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, message) => errors.Add(message);
            await page.GotoAsync(new Uri(html).AbsoluteUri);
            await page.WaitForFunctionAsync("document.body.dataset.rendered === 'true'");
            Assert.Empty(errors);
            Assert.Equal(["0", "0.2", "0.2.0"], await page.EvaluateAsync<string[]>("[...document.querySelectorAll('li.rewarded')].map(e => e.dataset.id)"));
            Assert.Equal("0.2 query · N=3 · Q=1.000", await page.EvaluateAsync<string>("document.querySelector('li[data-id=\"0.2\"] > .head').textContent"));
            Assert.Equal(["relevant", "relevant", "irrelevant"], await page.EvaluateAsync<string[]>(
                "[...document.querySelectorAll('li[data-id=\"0.2\"] > .doc')].map(e => e.className.split(' ')[1])"));
            Assert.Contains("it relates the sides of a right triangle.", await page.EvaluateAsync<string>("document.querySelector('li[data-id=\"0.2\"] > .doc').textContent"));
            // The second problem: its query was pruned by negative reflection.
            await page.SelectOptionAsync("#problem", "1");
            Assert.Equal(["0.2"], await page.EvaluateAsync<string[]>("[...document.querySelectorAll('li.pruned')].map(e => e.dataset.id)"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
