namespace Lodestar.Tests;

/// <summary>Finds test data: committed fixtures, and the read-only ../shared folder beside the repository.</summary>
internal static class Fixtures
{
    /// <summary>A file under tests/fixtures (copied next to the test assembly).</summary>
    public static string Path(string relative) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", relative);

    /// <summary>The shared folder, or null when it is not beside the repository.</summary>
    public static string? SharedRoot { get; } = FindShared();

    /// <summary>A file under ../shared; only call from a <see cref="SharedFactAttribute"/> test.</summary>
    public static string Shared(string relative) =>
        System.IO.Path.Combine(SharedRoot ?? throw new InvalidOperationException("../shared is absent"), relative);

    private static string? FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (File.Exists(System.IO.Path.Combine(candidate, "STYLE.md")))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs ../shared; it is skipped, with the reason, where that folder is absent.</summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute()
    {
        if (Fixtures.SharedRoot is null)
        {
            Skip = "../shared (reference data) is not beside the repository";
        }
    }
}
