using System.CommandLine;
using Lodestar.Cli.Options;

namespace Lodestar.Cli.Tests;

/// <summary>Usage errors (exit 2) that name the option and say what was expected, never a .NET type or a stack trace.</summary>
public class UsageErrorTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, new CliContext(o, e, false, new StringReader("")));
        return (code, o.ToString(), e.ToString().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--k must be between 1 and 10000000, found -5", "search", "idx", "--topics", "t", "-o", "r", "--k", "-5")]
    [InlineData("--k must be between 1 and 10000000, found 0", "search", "idx", "--topics", "t", "-o", "r", "--k", "0")]
    [InlineData("--threads must be between 0 and 1024, found -1", "search", "idx", "--topics", "t", "-o", "r", "--threads", "-1")]
    [InlineData("--depth must be between 0 and 10000000, found -3", "search", "idx", "--topics", "t", "-o", "r", "--depth", "-3")]
    [InlineData("-M must be at least 1, found -1", "eval", "q", "r", "-M", "-1")]
    [InlineData("-l must be between 0 and 1000000, found -2", "eval", "q", "r", "-l", "-2")]
    [InlineData("--top must be between 1 and 100000, found 0", "rerank", "--index", "i", "--topics", "t", "--run", "r", "-o", "o", "--top", "0")]
    [InlineData("--samples must be between 1 and 1000, found -1", "rerank", "--index", "i", "--topics", "t", "--run", "r", "-o", "o", "--samples", "-1")]
    [InlineData("--timeout must be between 1 and 86400, found 0", "rerank", "--index", "i", "--topics", "t", "--run", "r", "-o", "o", "--timeout", "0")]
    [InlineData("--in-flight must be between 0 and 4096, found -4", "rerank", "--index", "i", "--topics", "t", "--run", "r", "-o", "o", "--in-flight", "-4")]
    [InlineData("--threads must be between 0 and 1024, found -1", "index", "c", "-o", "i", "--threads", "-1")]
    [InlineData("--memory must be between 16 and 1048576, found 0", "index", "c", "-o", "i", "--memory", "0")]
    [InlineData("--chunk must be between 1 and 1000000, found 0", "embed", "c", "-o", "v", "--chunk", "0")]
    [InlineData("--rrf-k must be between 0 and 1000000, found -1", "fuse", "a", "b", "-o", "f", "--rrf-k", "-1")]
    [InlineData("--b must be between 0 and 1, found 1.5", "search", "idx", "--topics", "t", "-o", "r", "--b", "1.5")]
    [InlineData("--k expects a whole number, found 'ten'", "search", "idx", "--topics", "t", "-o", "r", "--k", "ten")]
    [InlineData("--bm25 expects bright or lucene, found 'anserini'", "search", "idx", "--topics", "t", "-o", "r", "--bm25", "anserini")]
    [InlineData("--empty expects keep, skip or error, found 'drop'", "index", "c", "-o", "i", "--empty", "drop")]
    [InlineData("fuse needs at least two runs to fuse, found one (a)", "fuse", "a", "-o", "f")]
    public void OutOfRangeOrMalformedValue_IsAUsageErrorNamingTheOption(string expected, params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal($"lodestar: {expected}\nRun 'lodestar --help' for usage.\n", err);
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'serach'. Did you mean 'search'?", "serach", "x")]
    [InlineData("Unrecognized command or argument '--topcs'. Did you mean '--topics'?", "search", "idx", "--topics", "t", "-o", "r", "--topcs")]
    [InlineData("Unrecognized command or argument '--samles'. Did you mean '--samples'?", "rerank", "--index", "i", "--topics", "t", "--run", "r", "-o", "o", "--samles", "3")]
    public void Typo_SuggestsTheNearestCommandOrOption(string expected, params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains($"lodestar: {expected}\n", err);
    }

    [Fact]
    public void Help_ShowsEnumValuesAndDefaultsInLowerCase()
    {
        var (code, help, _) = Run("search", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--bm25 <bright|lucene>", help);
        Assert.Contains("[default: bright]", help);
        Assert.Contains("--mode <bm25|dense|hybrid>", help);
        Assert.DoesNotContain("[default: Bright]", help);
        Assert.DoesNotContain("Lodestar.", help);
    }

    /// <summary>A count or size option without a declared range lets a negative or huge value reach the code
    /// (the crashes of issue 11): every numeric option of every command, new ones included, must declare one.</summary>
    [Fact]
    public void EveryNumericOption_DeclaresARange()
    {
        var missing = new List<string>();
        Walk(Cli.CreateRoot(new CliContext(TextWriter.Null, TextWriter.Null, false, TextReader.Null)), "lodestar", missing);
        Assert.Empty(missing);
    }

    private static void Walk(Command command, string path, List<string> missing)
    {
        foreach (Option option in command.Options)
        {
            Type t = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if ((t == typeof(int) || t == typeof(long) || t == typeof(double)) && !OptionRules.HasRange(option))
            {
                missing.Add($"{path} {option.Name}");
            }
        }

        foreach (Command sub in command.Subcommands)
        {
            Walk(sub, $"{path} {sub.Name}", missing);
        }
    }

    [Theory]
    [InlineData("search", "search", 0)]
    [InlineData("serach", "search", 1)]
    [InlineData("rernak", "rerank", 1)]
    [InlineData("abc", "xyz", 3)]
    public void Distance_CountsEditsAndTranspositions(string a, string b, int expected) =>
        Assert.Equal(expected, Suggestions.Distance(a, b));
}
