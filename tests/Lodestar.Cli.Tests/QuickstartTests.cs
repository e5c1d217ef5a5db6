namespace Lodestar.Cli.Tests;

/// <summary>`lodestar quickstart` as a new user meets it: no model in the cache.</summary>
[Collection("environment")]
public sealed class QuickstartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-quickstart-").FullName;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HF_HOME", null);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Prints_the_Cranfield_table_says_what_a_model_would_add_and_writes_the_report()
    {
        Environment.SetEnvironmentVariable("HF_HOME", Path.Combine(_dir, "empty-cache"));
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = Cli.Run(["quickstart", "-o", Path.Combine(_dir, "out")], new CliContext(o, e, false, new StringReader("")));
        Assert.True(code == 0, e.ToString());
        Assert.Contains("lodestar-bm25-bright  all    0.2655  0.4566  0.2102      0.7045   0.3205", o.ToString());
        Assert.Contains("lodestar-bm25-lucene  all    0.2892  0.5136  0.2240      0.7218   0.3520", o.ToString());
        Assert.Contains("no GGUF model in the cache; `lodestar models pull", e.ToString());
        Assert.True(new FileInfo(Path.Combine(_dir, "out", "report.html")).Length > 100_000); // Chart.js is embedded
    }
}
