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
