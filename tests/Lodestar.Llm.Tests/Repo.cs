namespace Lodestar.Llm.Tests;

/// <summary>Paths of the repository these tests run from, and of ../shared beside it.</summary>
internal static class Repo
{
    /// <summary>The folder holding Lodestar.slnx.</summary>
    public static string Root { get; } = Find(dir => File.Exists(Path.Combine(dir, "Lodestar.slnx")))
        ?? throw new DirectoryNotFoundException("run the tests from inside the repository");

    /// <summary>The shared folder beside the repository, or null when it is absent.</summary>
    public static string? Shared { get; } = Find(dir => File.Exists(Path.Combine(dir, "shared", "specs", "retro-star-prompt.txt"))) is string d
        ? Path.Combine(d, "shared") : null;

    /// <summary>The tiny random-weight GGUF in ../shared/models (only from a <see cref="TinyModelFactAttribute"/> test).</summary>
    public static string TinyModel => Path.Combine(Shared ?? throw new InvalidOperationException("../shared is absent"), "models", "llama-2-tiny-random.gguf");

    /// <summary>Runs the CLI in-process: (exit code, stdout, stderr).</summary>
    public static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = Lodestar.Cli.Cli.Run(args, new Lodestar.Cli.CliContext(o, e, false, new StringReader("")));
        return (code, o.ToString(), e.ToString());
    }

    private static string? Find(Func<string, bool> found)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (found(dir.FullName))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
