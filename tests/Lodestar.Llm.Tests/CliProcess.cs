using System.Diagnostics;

namespace Lodestar.Llm.Tests;

/// <summary>The CLI as a child process, to be killed with SIGKILL at a chosen moment.</summary>
internal static class CliProcess
{
    /// <summary>Runs <c>dotnet lodestar.dll ARGS</c>; SIGKILLs it once <paramref name="killWhen"/> holds.</summary>
    /// <returns>The exit code (−9 when it was killed while running) and its output.</returns>
    public static async Task<(int Code, string Log)> RunAsync(IEnumerable<string> args, Func<bool>? killWhen = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(typeof(Cli.Cli).Assembly.Location);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> err = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        if (killWhen is not null)
        {
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && !killWhen() && clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(2);
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL
                await process.WaitForExitAsync();
                return (-9, "");
            }
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, await err + await output);
    }
}
