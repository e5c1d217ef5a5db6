using System.CommandLine;
using System.CommandLine.Parsing;

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

    /// <summary>A command line run against its command alone (no root help/version options) parses as the real root
    /// parses it: random option sets for every command path, compared token by token wherever the command alone
    /// accepts them (the others go through the real root anyway).</summary>
    [Fact]
    public void CommandAlone_ParsesWhatItAccepts_AsTheRealRootDoes()
    {
        var random = new Random(11);
        string[] values = ["1", "2", "0.5", "x", "a b", "-", "10"];
        int compared = 0, paths = 0;
        foreach (string path in Paths())
        {
            paths++;
            Command leaf = path.Split(' ').Aggregate((Command)Cli.CreateRoot(Quiet), (c, name) => c.Subcommands.Single(s => s.Name == name));
            for (int n = 0; n < 12; n++)
            {
                var args = new List<string>(path.Split(' '));
                foreach (Argument argument in leaf.Arguments)
                {
                    args.Add(values[random.Next(values.Length)]);
                }

                foreach (Option option in leaf.Options.Where(_ => random.Next(2) == 0))
                {
                    args.Add(option.Name);
                    if (option.ValueType != typeof(bool))
                    {
                        args.Add(values[random.Next(values.Length)]);
                    }
                }

                string[] line = [.. args];
                Command alone = Assert.IsType<Command>(Cli.CommandAloneFor(line, Quiet), exactMatch: false);
                ParseResult quick = alone.Parse(line);
                if (quick.Errors.Count > 0)
                {
                    continue;
                }

                ParseResult real = Cli.RootFor(line, Quiet).Parse(line);
                Assert.Empty(real.Errors);
                Assert.Equal(Describe(real.CommandResult), Describe(quick.CommandResult));
                compared++;
            }
        }

        Assert.True(compared >= paths, $"{compared} command lines compared over {paths} command paths");
    }

    [Theory]
    [InlineData("eval", "q", "r", "--help")]
    [InlineData("eval", "q", "r", "-?")]
    [InlineData("search", "idx", "--version")]
    [InlineData("eval", "@args.rsp")]
    [InlineData("no-such-command")]
    public void CommandAlone_NotFor_HelpVersionResponseFilesOrUnknownCommands(params string[] args) =>
        Assert.Null(Cli.CommandAloneFor(args, Quiet));

    // The parse as text: each command's name, and each option's and argument's tokens, in order.
    private static string Describe(SymbolResult result) => result switch
    {
        CommandResult c => $"{c.Command.Name}[{string.Join(", ", c.Children.Select(Describe))}]",
        OptionResult o => $"{o.Option.Name}={string.Join("|", o.Tokens.Select(t => t.Value))}",
        ArgumentResult a => $"{a.Argument.Name}={string.Join("|", a.Tokens.Select(t => t.Value))}",
        _ => result.ToString()!,
    };
}
