using System.Diagnostics;

namespace Lodestar.Cli.Tests;

/// <summary>
/// The README's test command shows each skipped test with its reason (issue 11, item 21): <c>dotnet test</c> on this
/// very project, filtered to the browser test and with <c>LODESTAR_NO_BROWSER</c> set so that it skips, prints
/// "skipped NAME: REASON" (tests/Directory.Build.targets), and .ci/run's summary (scripts/test-summary.sh) still
/// ends with the plain count line.
/// </summary>
public sealed class SkipReasonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-skips-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task DotnetTest_PrintsEachSkipWithItsReason_AndTheSummaryLineStillCounts()
    {
        string root = CliTests.RepoRoot();
        // bin/Release/net10.0: the configuration this test project was built in, so --no-build finds it.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        (int code, string log) = await RunAsync("dotnet", ["test", Path.Combine(root, "tests", "Lodestar.Cli.Tests", "Lodestar.Cli.Tests.csproj"), "-c", configuration, "--no-build",
            "--filter", "FullyQualifiedName~HtmlReportTests", "--results-directory", Path.Combine(_dir, "results")]);
        Assert.True(code == 0, log);
        string reason = File.Exists(ChromiumFactAttribute.Path)
            ? "LODESTAR_NO_BROWSER is set: the browser tests are skipped"
            : "Chromium is not installed (apt-get install chromium); .ci/run installs it";
        Assert.Contains($"  skipped Lodestar.Cli.Tests.HtmlReportTests.EvalHtml_RendersThreeChartsInHeadlessChromium: {reason}\n", log.Replace("\r", "", StringComparison.Ordinal));

        string saved = Path.Combine(_dir, "test.log");
        File.WriteAllText(saved, log);
        (code, string summary) = await RunAsync("bash", [Path.Combine(root, "scripts", "test-summary.sh"), saved, "0"]);
        Assert.Equal(0, code);
        Assert.Equal("0 passed, 0 failed, 1 skipped", summary.TrimEnd('\n').Split('\n')[^1]);
        Assert.Contains("bash scripts/test-summary.sh \"$log\" \"$rc\"", File.ReadAllText(Path.Combine(root, ".ci", "run")));
    }

    private static async Task<(int Code, string Log)> RunAsync(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment[ChromiumFactAttribute.NoBrowserVariable] = "1";
        // The outer `dotnet test` sets these for its own run; the inner one must start afresh.
        foreach (string name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "VSTEST_HOST_DEBUG" })
        {
            start.Environment.Remove(name);
        }

        using Process process = Process.Start(start)!;
        Task<string> err = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + await err);
    }
}
