namespace Lodestar.Synthesis.Tests;

/// <summary>Fixtures, ../shared, temporary folders and the in-process CLI.</summary>
internal static class Paths
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "synth", name);

    /// <summary>The shared folder beside the repository, or null when it is absent.</summary>
    public static string? Shared { get; } = FindShared();

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "lodestar-synth-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = Lodestar.Cli.Cli.Run(args, new Lodestar.Cli.CliContext(o, e, false, new StringReader("")));
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>A Lodestar index of the six-theorem test corpus.</summary>
    public static string TheoremIndex(string dir)
    {
        string index = Path.Combine(dir, "theorems");
        var (code, _, err) = Cli("index", Fixture("theorems.jsonl"), "-o", index);
        Assert.True(code == 0, err);
        return index;
    }

    private static string? FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "shared", "models", "llama-2-tiny-random.gguf")))
            {
                return Path.Combine(dir.FullName, "shared");
            }
        }

        return null;
    }
}

/// <summary>A fact that needs the tiny GGUF in ../shared; skipped, with the reason, where it is absent.</summary>
public sealed class TinyModelFactAttribute : FactAttribute
{
    public TinyModelFactAttribute()
    {
        if (Paths.Shared is null)
        {
            Skip = "../shared (with models/llama-2-tiny-random.gguf) is not beside the repository";
        }
    }
}

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
