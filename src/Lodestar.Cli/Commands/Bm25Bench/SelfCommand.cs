namespace Lodestar.Cli.Commands.Bm25Bench;

/// <summary>Runs this CLI again as a child process (through <c>dotnet</c> when it runs as a DLL), measured from
/// outside like every peer: the executable a user runs, so <c>lodestar</c> beside a <c>lodestar-full</c> that the
/// core executable handed <c>bench</c> to (<see cref="FullExecutable"/>).</summary>
internal sealed class SelfCommand
{
    private readonly string _file = UserFacing(Environment.ProcessPath!);
    private readonly string[] _prefix = Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? [typeof(SelfCommand).Assembly.Location] : [];

    /// <summary>Runs <c>lodestar ARGS</c>, optionally pinned to one core.</summary>
    public Measured Measure(bool oneCore, params string[] args) => MeasuredProcess.Run(_file, [.. _prefix, .. args], oneCore);

    /// <summary>Runs <c>lodestar ARGS</c> for its effect.</summary>
    public void Exec(params string[] args) => Measure(false, args);

    /// <summary>How this CLI is run: a native executable, or a DLL through <c>dotnet</c>.</summary>
    public string Describe() => _prefix.Length == 0 ? $"native executable {Path.GetFileName(_file)}" : "DLL through dotnet (publish with scripts/publish-aot.sh for native AOT)";

    // lodestar-full runs what the user typed as `lodestar`; the core executable beside it is what they run.
    private static string UserFacing(string process)
    {
        string core = FullExecutable.Beside(process, "lodestar");
        return Path.GetFileNameWithoutExtension(process) == FullExecutable.ExecutableName && File.Exists(core) ? core : process;
    }
}
