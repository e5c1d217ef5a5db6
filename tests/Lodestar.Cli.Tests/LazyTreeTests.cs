using System.CommandLine;

namespace Lodestar.Cli.Tests;

/// <summary>The command tree is built lazily (only the invoked command's subtree; nothing for <c>--version</c>), and
/// that must not change what any command prints: help, usage errors and exit codes equal the whole tree's.</summary>
public class LazyTreeTests
{
    private static CliContext Quiet => new(TextWriter.Null, TextWriter.Null, false, TextReader.Null);

    private static (int Code, string Out, string Err) Run(string[] args, Func<CliContext, RootCommand>? root = null)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var context = new CliContext(o, e, false, new StringReader(""));
        int code = root is null ? Cli.Run(args, context) : Cli.Run(args, context, root(context));
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>Every path of subcommands under the root, such as <c>bright run</c>.</summary>
    private static List<string> Paths()
    {
        var paths = new List<string>();
        void Walk(Command command, string path)
        {
            foreach (Command sub in command.Subcommands)
            {
                string p = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
                paths.Add(p);
                Walk(sub, p);
            }
        }

        Walk(Cli.CreateRoot(Quiet), "");
        return paths;
    }

    /// <summary><see cref="Paths"/> as theory data.</summary>
    public static TheoryData<string> CommandPaths() => [.. Paths()];

    [Fact]
    public void CommandTable_NamesEveryCommandOfTheTreeInHelpOrder() =>
        Assert.Equal(Cli.CreateRoot(Quiet).Subcommands.Select(c => c.Name), Cli.CommandNames);

    [Fact]
    public void RootFor_ACommand_BuildsThatCommandOnly()
    {
        foreach (string name in Cli.CommandNames)
        {
            Command only = Assert.Single(Cli.RootFor([name, "--help"], Quiet).Subcommands);
            Assert.Equal(name, only.Name);
        }
    }

    [Fact]
    public void RootFor_VersionAlone_BuildsNoCommand_AndPrintsTheWholeTreesVersion()
    {
        Assert.Empty(Cli.RootFor(["--version"], Quiet).Subcommands);
        (int code, string output, string error) = Run(["--version"]);
        Assert.Equal((0, ""), (code, error));
        Assert.Equal(Run(["--version"], Cli.CreateRoot).Out, output);
        Assert.Matches(@"^\S+\r?\n$", output);
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("serach")]
    [InlineData("--version", "index")]
    public void RootFor_NoCommandFirst_BuildsTheWholeTree(params string[] args) =>
        Assert.Equal(Cli.CommandNames, Cli.RootFor(args, Quiet).Subcommands.Select(c => c.Name));

    [Fact]
    public void RootHelp_ListsEveryCommandWithItsDescription()
    {
        (int code, string help, _) = Run(["--help"]);
        Assert.Equal(0, code);
        Assert.Contains(Cli.Description, help);
        foreach (Command command in Cli.CreateRoot(Quiet).Subcommands)
        {
            Assert.Matches($"(?m)^  {command.Name}\\b.*  {System.Text.RegularExpressions.Regex.Escape(command.Description!)}", help);
        }
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void CommandHelp_LazyTree_EqualsTheWholeTreesHelp(string path)
    {
        string[] args = [.. path.Split(' '), "--help"];
        var lazy = Run(args);
        Assert.Equal(0, lazy.Code);
        Command command = path.Split(' ').Aggregate((Command)Cli.CreateRoot(Quiet), (c, name) => c.Subcommands.Single(s => s.Name == name));
        if (!command.Hidden)
        {
            Assert.StartsWith("Description:", lazy.Out); // hidden workers (bench bm25-search) print no help
        }

        Assert.Equal(Run(args, Cli.CreateRoot), lazy);
    }

    /// <summary>Usage errors (and their "did you mean" hints) of every command path equal the whole tree's. Only
    /// argument vectors that fail to parse are run, so that no command's action runs here; a command whose arguments
    /// take any word (such as <c>eval</c>'s runs) parses the bad option as a value and is left out.</summary>
    [Fact]
    public void UsageErrors_LazyTree_EqualTheWholeTrees()
    {
        int checkedPaths = 0, paths = 0;
        foreach (string path in Paths())
        {
            paths++;
            string[] args = [.. path.Split(' '), "--no-such-option", "--k", "ten"];
            if (Cli.CreateRoot(Quiet).Parse(args).Errors.Count == 0)
            {
                continue;
            }

            checkedPaths++;
            var lazy = Run(args);
            Assert.Equal(2, lazy.Code);
            Assert.Contains("Run 'lodestar --help' for usage.", lazy.Err);
            Assert.Equal(Run(args, Cli.CreateRoot), lazy);
        }

        Assert.True(checkedPaths > paths / 2, $"only {checkedPaths} of {paths} command paths gave a usage error");
    }
}
