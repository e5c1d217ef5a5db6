using System.Diagnostics;
using System.Globalization;

namespace Lodestar.Index;

/// <summary>
/// Removes what killed builds left beside an output folder: <c>OUTPUT.tmp-PID</c> and <c>OUTPUT.old-PID</c> folders
/// whose process is gone. A folder of a live process (another build running now) is left alone.
/// </summary>
public static class StaleBuilds
{
    /// <summary>Deletes the stale temporary folders of <paramref name="output"/>.</summary>
    /// <returns>The folders deleted.</returns>
    public static List<string> Clean(string output)
    {
        string full = Path.GetFullPath(output);
        string? parent = Path.GetDirectoryName(full);
        var removed = new List<string>();
        if (parent is null || !Directory.Exists(parent))
        {
            return removed;
        }

        string name = Path.GetFileName(full);
        foreach (string dir in Directory.EnumerateDirectories(parent, name + ".*-*"))
        {
            string suffix = Path.GetFileName(dir)[(name.Length + 1)..];
            int dash = suffix.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0 || suffix[..dash] is not ("tmp" or "old")
                || !int.TryParse(suffix[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                || pid == Environment.ProcessId || IsAlive(pid))
            {
                continue;
            }

            Directory.Delete(dir, recursive: true);
            removed.Add(dir);
        }

        return removed;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using Process p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
