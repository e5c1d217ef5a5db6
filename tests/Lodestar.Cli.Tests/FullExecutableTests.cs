using System.Diagnostics;
using Lodestar.Cli.Commands;

namespace Lodestar.Cli.Tests;

/// <summary>Command lines handed to the whole CLI (the AOT build's <c>lodestar-full</c>, or the one
/// <c>LODESTAR_FULL_EXECUTABLE</c> names): the process becomes it, with the same arguments.</summary>
public class FullExecutableTests
{
    /// <summary>A theory on Unix only: Windows runs the service as a child process, not through <c>execv</c>.</summary>
    public sealed class UnixTheoryAttribute : TheoryAttribute
    {
        public UnixTheoryAttribute()
        {
            if (OperatingSystem.IsWindows())
            {
                Skip = "execv is the Unix path; Windows runs the service as a child process";
            }
        }
    }

    [UnixTheory]
    [InlineData("serve")]
    [InlineData("mcp")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ServiceCommand_WithAnExecutableNamed_BecomesThatProcess_WithTheSameArgumentsAndExitCode(string command)
    {
        string dir = Directory.CreateTempSubdirectory("lodestar-full-").FullName;
        try
        {
            (int code, string output, string error, int pid) = Exec("dotnet", [typeof(Cli).Assembly.Location, command, "--index", "a b", "--port", "0"], StandIn(dir));

            // The same pid: the lodestar process became the service (execv), it did not start a child.
            Assert.Equal($"pid={pid} args={command} --index a b --port 0\n", output);
            Assert.Equal((7, ""), (code, error));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Hand_WithoutTheServiceExecutable_SaysWhereItLooked_AndExits1()
    {
        var error = new StringWriter();
        int code = FullExecutable.Hand(["serve", "--index", "x"], new CliContext(TextWriter.Null, error, false, TextReader.Null));
        string expected = FullExecutable.Locate(Environment.ProcessPath!);
        Assert.Equal(1, code);
        Assert.Equal($"lodestar: serve: expected the whole CLI at {expected} (this build of lodestar runs only index, search, analyze, explain, eval, fuse itself and the rest in lodestar-full, which scripts/publish-aot.sh writes beside it; or set LODESTAR_FULL_EXECUTABLE), found none{Environment.NewLine}", error.ToString());
    }

    [Fact]
    public void Locate_IsBesideTheRunningExecutable() =>
        Assert.Equal(Path.Combine("/opt/lodestar/bin", "lodestar-full"), FullExecutable.Locate("/opt/lodestar/bin/lodestar"));

    [Theory]
    [InlineData(new[] { "--version" }, false, true)]
    [InlineData(new[] { "eval", "qrels", "run" }, false, true)]
    [InlineData(new[] { "search", "idx", "--help" }, false, true)]
    [InlineData(new[] { "index", "corpus.jsonl", "-o", "idx" }, false, true)]
    [InlineData(new[] { "fuse", "a.run", "b.run" }, false, true)]
    [InlineData(new[] { "eval", "qrels", "run" }, true, false)] // telemetry: only the whole CLI links the exporters
    [InlineData(new[] { "--version" }, true, true)]
    [InlineData(new string[0], false, false)] // root help
    [InlineData(new[] { "--help" }, false, false)]
    [InlineData(new[] { "evl", "qrels", "run" }, false, false)] // a typo: the whole CLI suggests among every command
    [InlineData(new[] { "rerank", "--run", "r" }, false, false)]
    [InlineData(new[] { "serve" }, false, false)]
    [InlineData(new[] { "--version", "eval" }, false, false)]
    public void TheCoreExecutable_RunsItsCommandsItself_AndHandsEverythingElseOver(string[] args, bool telemetry, bool inCore) =>
        Assert.Equal(inCore, FullExecutable.RunsInCore(args, telemetry));

    [Fact]
    public void TheCoreCommands_AreCommandsOfTheWholeTree_WithTheirHelpOrder() =>
        Assert.Equal(Cli.CoreCommands, Cli.CommandNames.Where(Cli.CoreCommands.Contains));

    /// <summary>The core flavour itself (<c>-p:LodestarCommands=Core</c>, what the native <c>lodestar</c> is published
    /// from), built here in Debug (its own intermediate folders): it evaluates as the whole CLI does, and it becomes the
    /// whole CLI for root help and a non-core command.</summary>
    [UnixTheory]
    [InlineData("--help")]
    [InlineData("rerank")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheCoreFlavour_Evaluates_AndBecomesTheWholeCliForTheRest(string handed)
    {
        string dir = Directory.CreateTempSubdirectory("lodestar-core-").FullName;
        try
        {
            string root = CliTests.RepoRoot();
            string bin = s_coreBuild.Value;

            string qrels = Path.Combine(root, "data", "cranfield", "qrels", "test.tsv");
            string run = Path.Combine(dir, "one.run");
            File.WriteAllText(run, "1 Q0 184 1 3.5 r\n1 Q0 29 2 2.5 r\n1 Q0 31 3 1.5 r\n2 Q0 12 1 9 r\n");
            var whole = new StringWriter();
            Assert.Equal(0, Cli.Run(["eval", qrels, run, "-m", "all_trec", "--format", "trec_eval"], new CliContext(whole, TextWriter.Null, false, TextReader.Null)));
            (int code, string output, string error, _) = Exec("dotnet", [Path.Combine(bin, "lodestar.dll"), "eval", qrels, run, "-m", "all_trec", "--format", "trec_eval"], null);
            Assert.Equal((0, whole.ToString(), ""), (code, output, error));

            (code, output, error, int pid) = Exec("dotnet", [Path.Combine(bin, "lodestar.dll"), handed, "--run", "a b"], StandIn(dir));
            Assert.Equal($"pid={pid} args={handed} --run a b\n", output);
            Assert.Equal((7, ""), (code, error));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A core command whose options need a model (dense or hybrid search, a dense index beside a BM25 one):
    /// the core flavour links no model layer, so the action hands the command line over whole before doing anything.</summary>
    [UnixTheory]
    [InlineData("search", "idx", "--topics", "t.jsonl", "-o", "o.run", "--mode", "dense")]
    [InlineData("search", "idx", "--topics", "t.jsonl", "-o", "o.run", "--mode", "hybrid", "--embed-endpoint", "http://127.0.0.1:9/v1")]
    [InlineData("index", "corpus.jsonl", "-o", "idx", "--dense", "model.gguf")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheCoreFlavour_HandsOverACoreCommandThatNeedsAModel(params string[] args)
    {
        string dir = Directory.CreateTempSubdirectory("lodestar-core-").FullName;
        try
        {
            (int code, string output, string error, int pid) = Exec("dotnet", [Path.Combine(s_coreBuild.Value, "lodestar.dll"), .. args], StandIn(dir));
            Assert.Equal($"pid={pid} args={string.Join(' ', args)}\n", output);
            Assert.Equal((7, ""), (code, error));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Built once for the theory's cases (a Debug build of the CLI and its projects: about a minute).
    private static readonly Lazy<string> s_coreBuild = new(() =>
    {
        string bin = Path.Combine(AppContext.BaseDirectory, "core-flavour"); // beside the tests: replaced by the next run
        (int built, string log, string error, _) = Exec("dotnet", ["build", Path.Combine(CliTests.RepoRoot(), "src", "Lodestar.Cli", "Lodestar.Cli.csproj"), "-c", "Debug",
            "-p:LodestarCommands=Core", "-o", bin, "-v", "q", "-nologo"], null);
        Assert.True(built == 0, log + error);
        return bin;
    });

    // A stand-in whole CLI in dir: prints its pid and arguments, exits 7.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string StandIn(string dir)
    {
        string script = Path.Combine(dir, "lodestar-full");
        File.WriteAllText(script, "#!/bin/sh\necho \"pid=$$ args=$*\"\nexit 7\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private static (int Code, string Output, string Error, int Pid) Exec(string file, string[] args, string? fullExecutable)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        start.Environment.Remove("LODESTAR_OTEL");
        if (fullExecutable is not null)
        {
            start.Environment[FullExecutable.ExecutableVariable] = fullExecutable;
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result, process.Id);
    }
}
