using System.CommandLine;

namespace Lodestar.Cli.Options;

/// <summary>"did you mean" for a mistyped command or option: the nearest name by edit distance, when it is near.</summary>
internal static class Suggestions
{
    /// <summary>The name nearest to <paramref name="token"/> among <paramref name="command"/>'s subcommands and
    /// options (aliases included), or null when none is within a third of its length (at least 1, at most 3 edits).</summary>
    public static string? Nearest(string token, Command command)
    {
        IEnumerable<string> names = command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name))
            .Concat(command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)));
        if (token.StartsWith('-'))
        {
            names = names.Where(n => n.StartsWith('-'));
        }

        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string name in names.Distinct(StringComparer.Ordinal))
        {
            int d = Distance(token, name);
            if (d < bestDistance)
            {
                (best, bestDistance) = (name, d);
            }
        }

        int limit = Math.Clamp(token.TrimStart('-').Length / 3, 1, 3);
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
