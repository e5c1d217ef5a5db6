using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar serve</c> and <c>lodestar mcp</c> where the service is its own executable: the native AOT build
/// (<c>scripts/publish-aot.sh</c>) leaves ASP.NET Core out of <c>lodestar</c>, whose every start-up would otherwise
/// initialise it (docs/decisions/aot-startup.md), and ships <c>lodestar-serve</c> beside it; these two commands hand the
/// process over to it with the same arguments. The portable build (<c>dotnet tool install</c>) serves in process.
/// </summary>
internal static partial class ServiceCommands
{
    /// <summary><c>lodestar serve</c>'s description, shared by both builds.</summary>
    public const string ServeDescription = "Serve search and Retro* reranking over HTTP: Cohere /v1/rerank and /v2/rerank, TEI /rerank, /v1/search, jobs at /v1/jobs (a Retro* rerank of a --run, or a --recipe on a --beir/--data dataset, with SSE progress; resumed after a restart), MCP at /mcp, OpenAPI at /openapi/v1.json (reference at /scalar), /metrics, and a web page at /.";

    /// <summary><c>lodestar mcp</c>'s description, shared by both builds.</summary>
    public const string McpDescription = "Run the MCP tools (search, rerank, get_document, explain) for a local agent over stdio.";

    /// <summary>The service executable's file name, beside <c>lodestar</c>.</summary>
    public const string ExecutableName = "lodestar-serve";

    /// <summary>The environment variable naming the service executable to run instead (both builds): for an
    /// installation that keeps it elsewhere, such as <c>/usr/libexec</c>.</summary>
    public const string ExecutableVariable = "LODESTAR_SERVE_EXECUTABLE";

    /// <summary>Whether <c>serve</c> and <c>mcp</c> run in another executable: always in the AOT build without the
    /// service, and wherever <see cref="ExecutableVariable"/> names one.</summary>
    public static bool RunsElsewhere =>
#if LODESTAR_SERVICE_EXEC
        true;
#else
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ExecutableVariable));
#endif

    /// <summary>The command names that run in the service executable.</summary>
    public static bool IsServiceCommand(string name) => name is "serve" or "mcp";

    /// <summary>Placeholders that list <c>serve</c> and <c>mcp</c> in <c>lodestar --help</c>; they never run, because
    /// <see cref="Hand"/> takes over first.</summary>
    public static Command CreateServe(CliContext context) => new("serve", ServeDescription);

    /// <inheritdoc cref="CreateServe"/>
    public static Command CreateMcp(CliContext context) => new("mcp", McpDescription);

    /// <summary>The service executable for the running <c>lodestar</c> at <paramref name="processPath"/>: beside it.</summary>
    public static string Locate(string processPath) =>
        Path.Combine(Path.GetDirectoryName(processPath) ?? ".", OperatingSystem.IsWindows() ? ExecutableName + ".exe" : ExecutableName);

    /// <summary>Runs <paramref name="args"/> (starting with <c>serve</c> or <c>mcp</c>) in the service executable: on
    /// Unix the process becomes it (<c>execv</c>: same pid, signals and standard streams), elsewhere it runs as a child
    /// whose exit code is returned.</summary>
    /// <returns>The exit code (Unix returns only when the executable cannot be run: 1, with the reason on stderr).</returns>
    public static int Hand(string[] args, CliContext context)
    {
        string? given = Environment.GetEnvironmentVariable(ExecutableVariable);
        string path = string.IsNullOrEmpty(given) ? Locate(Environment.ProcessPath ?? "lodestar") : given;
        if (!File.Exists(path))
        {
            context.Error.WriteLine(string.IsNullOrEmpty(given)
                ? $"lodestar: {args[0]}: expected the service executable at {path} (this build of lodestar runs the service in {ExecutableName}, which scripts/publish-aot.sh writes beside it; or set {ExecutableVariable}), found none"
                : $"lodestar: {args[0]}: expected the service executable named by {ExecutableVariable}, found no file {path}");
            return 1;
        }

        if (OperatingSystem.IsWindows())
        {
            var start = new ProcessStartInfo(path) { UseShellExecute = false };
            foreach (string a in args)
            {
                start.ArgumentList.Add(a);
            }

            using Process child = Process.Start(start)!;
            child.WaitForExit();
            return child.ExitCode;
        }

        // argv[0] stays what the user typed, so that usage lines and help name `lodestar`.
        string?[] argv = [Environment.GetCommandLineArgs()[0], .. args, null];
        context.Out.Flush();
        context.Error.Flush();
        Execv(path, argv);
        context.Error.WriteLine($"lodestar: {args[0]}: expected to run {path}, found error {Marshal.GetLastPInvokeError()} ({Marshal.GetLastPInvokeErrorMessage()})");
        return 1;
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execv(string path, string?[] argv);
}
