using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Lodestar.Cli.Commands;

/// <summary>
/// The hand-over to <c>lodestar-full</c>, the whole CLI, from a <c>lodestar</c> that holds only some commands. The
/// native AOT build (<c>scripts/publish-aot.sh</c>) makes <c>lodestar</c> the core commands alone (<see
/// cref="Cli.CoreCommands"/>: indexing, search, evaluation), because a native executable initialises the statics of all
/// it links at every start, and those commands are the ones run many times in a row; every other command line (the
/// LLM and service commands, root help, a typo, telemetry asked for) runs in <c>lodestar-full</c> beside it, which the
/// process becomes with the same arguments. The portable build (<c>dotnet tool install</c>) is whole and runs
/// everything in process (docs/decisions/aot-startup.md).
/// </summary>
internal static partial class FullExecutable
{
    /// <summary>The whole CLI's file name, beside <c>lodestar</c>.</summary>
    public const string ExecutableName = "lodestar-full";

    /// <summary>The environment variable naming the whole CLI to run instead: for an installation that keeps it
    /// elsewhere, such as <c>/usr/libexec</c>. In the whole build it also hands <c>serve</c> and <c>mcp</c> over (for
    /// a service kept apart, and for tests).</summary>
    public const string ExecutableVariable = "LODESTAR_FULL_EXECUTABLE";

    /// <summary>Thrown by a core command's action, before it does anything, when its options ask for what only the
    /// whole CLI links (a model, for <c>search --mode dense|hybrid</c> and <c>index --dense</c>): the command line is
    /// then handed over whole, as if it had been routed there from the start.</summary>
    public sealed class HandOverException() : Exception("this command line runs in " + ExecutableName);

    /// <summary>Whether <paramref name="args"/> run in the whole CLI rather than in this process.</summary>
    public static bool RunsElsewhere(string[] args) =>
#if LODESTAR_CORE
        !RunsInCore(args, TelemetryAsked());
#else
        args.Length > 0 && args[0] is "serve" or "mcp" && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ExecutableVariable));
#endif

    /// <summary>Whether the core executable runs <paramref name="args"/> itself: <c>--version</c> alone, or a core
    /// command without telemetry (whose exporters only the whole CLI links). Root help, no arguments, an unknown first
    /// word (to be suggested a command) and every other command are the whole CLI's.</summary>
    internal static bool RunsInCore(string[] args, bool telemetryAsked) =>
        args is ["--version"] || (args.Length > 0 && Cli.CoreCommands.Contains(args[0]) && !telemetryAsked);

    // Telemetry settings in the environment, or ones that do not parse (the whole CLI reports those).
    private static bool TelemetryAsked()
    {
        try
        {
            return Telemetry.TelemetrySettings.FromEnvironment().Exporter != Telemetry.TelemetryExporter.None;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>The whole CLI for the running <c>lodestar</c> at <paramref name="processPath"/>: beside it.</summary>
    public static string Locate(string processPath) => Beside(processPath, ExecutableName);

    /// <summary>The executable named <paramref name="name"/> (with <c>.exe</c> on Windows) in the folder of
    /// <paramref name="processPath"/>.</summary>
    public static string Beside(string processPath, string name) =>
        Path.Combine(Path.GetDirectoryName(processPath) ?? ".", OperatingSystem.IsWindows() ? name + ".exe" : name);

    /// <summary>Runs <paramref name="args"/> in the whole CLI: on Unix the process becomes it (<c>execv</c>: same pid,
    /// signals and standard streams), elsewhere it runs as a child whose exit code is returned.</summary>
    /// <returns>The exit code (Unix returns only when the executable cannot be run: 1, with the reason on stderr).</returns>
    public static int Hand(string[] args, CliContext context)
    {
        string? given = Environment.GetEnvironmentVariable(ExecutableVariable);
        string path = string.IsNullOrEmpty(given) ? Locate(Environment.ProcessPath ?? "lodestar") : given;
        string what = args.Length > 0 ? args[0] : "--help";
        if (!File.Exists(path))
        {
            context.Error.WriteLine(string.IsNullOrEmpty(given)
                ? $"lodestar: {what}: expected the whole CLI at {path} (this build of lodestar runs only {string.Join(", ", Cli.CoreCommands)} itself and the rest in {ExecutableName}, which scripts/publish-aot.sh writes beside it; or set {ExecutableVariable}), found none"
                : $"lodestar: {what}: expected the whole CLI named by {ExecutableVariable}, found no file {path}");
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
        context.Error.WriteLine($"lodestar: {what}: expected to run {path}, found error {Marshal.GetLastPInvokeError()} ({Marshal.GetLastPInvokeErrorMessage()})");
        return 1;
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execv(string path, string?[] argv);
}
