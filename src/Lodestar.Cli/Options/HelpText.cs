using System.CommandLine;
using System.Text.RegularExpressions;

namespace Lodestar.Cli.Options;

/// <summary>Help as the command line writes values: an enum option's default in lower case (<c>[default: bright]</c>),
/// as its allowed values are (System.CommandLine prints the .NET name of the default).</summary>
internal static partial class HelpText
{
    /// <summary>Rewrites <c>[default: Name]</c> to lower case wherever Name is a value of an enum option of the tree.</summary>
    public static string LowerCaseEnumDefaults(string help, Command root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(root, names);
        return DefaultPattern().Replace(help, m => names.Contains(m.Groups[1].Value) ? $"[default: {m.Groups[1].Value.ToLowerInvariant()}]" : m.Value);
    }

    private static void Collect(Command command, HashSet<string> names)
    {
        foreach (Option option in command.Options)
        {
            Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type.IsEnum)
            {
                names.UnionWith(Enum.GetNames(type));
            }
        }

        foreach (Command sub in command.Subcommands)
        {
            Collect(sub, names);
        }
    }

    [GeneratedRegex(@"\[default: ([A-Za-z0-9]+)\]")]
    private static partial Regex DefaultPattern();
}
