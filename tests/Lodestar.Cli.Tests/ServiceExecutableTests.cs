using System.Diagnostics;
using Lodestar.Cli.Commands;

namespace Lodestar.Cli.Tests;

/// <summary><c>serve</c> and <c>mcp</c> handed to the service executable (the AOT build's <c>lodestar-serve</c>, or
/// the one <c>LODESTAR_SERVE_EXECUTABLE</c> names): the process becomes it, with the same arguments.</summary>
public class ServiceExecutableTests
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
        string dir = Directory.CreateTempSubdirectory("lodestar-serve-").FullName;
        try
        {
            // A stand-in service: prints its pid and arguments, exits 7.
            string script = Path.Combine(dir, "lodestar-serve");
            File.WriteAllText(script, "#!/bin/sh\necho \"pid=$$ args=$*\"\nexit 7\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { typeof(Cli).Assembly.Location, command, "--index", "a b", "--port", "0" })
            {
                start.ArgumentList.Add(a);
            }

            start.Environment[ServiceCommands.ExecutableVariable] = script;
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();

            // The same pid: the lodestar process became the service (execv), it did not start a child.
            Assert.Equal($"pid={process.Id} args={command} --index a b --port 0\n", output);
            Assert.Equal((7, ""), (process.ExitCode, error));
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
        int code = ServiceCommands.Hand(["serve", "--index", "x"], new CliContext(TextWriter.Null, error, false, TextReader.Null));
        string expected = ServiceCommands.Locate(Environment.ProcessPath!);
        Assert.Equal(1, code);
        Assert.Equal($"lodestar: serve: expected the service executable at {expected} (this build of lodestar runs the service in lodestar-serve, which scripts/publish-aot.sh writes beside it; or set LODESTAR_SERVE_EXECUTABLE), found none{Environment.NewLine}", error.ToString());
    }

    [Fact]
    public void Locate_IsBesideTheRunningExecutable() =>
        Assert.Equal(Path.Combine("/opt/lodestar/bin", "lodestar-serve"), ServiceCommands.Locate("/opt/lodestar/bin/lodestar"));
}
