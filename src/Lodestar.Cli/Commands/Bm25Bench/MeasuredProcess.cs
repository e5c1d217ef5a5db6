using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Lodestar.Cli.Commands.Bm25Bench;

/// <summary>What one measured child process did.</summary>
/// <param name="Stdout">Its standard output.</param>
/// <param name="WallSeconds">Whole-process wall time, from before the start to after the exit.</param>
/// <param name="PeakMiB">Its peak resident set (wait4's ru_maxrss, through /usr/bin/time), in MiB.</param>
/// <param name="Stderr">Its standard error.</param>
/// <param name="CpuSeconds">User + system CPU time of the process (rusage), which a shared machine's load changes far
/// less than wall time.</param>
internal readonly record struct Measured(string Stdout, double WallSeconds, double PeakMiB, string Stderr, double CpuSeconds);

/// <summary>
/// Runs a child process and measures it from outside: whole-process wall time and the peak RSS of that process
/// (GNU time's <c>%M</c>, which is the kernel's ru_maxrss from wait4), optionally pinned to one core.
/// </summary>
/// <remarks>Pinning is inherited: the starting thread is pinned to CPU 0 while it starts the child, which keeps that
/// affinity. A <c>taskset</c> in front would add its own process start to the pinned side's wall time only (2.3 ms
/// on the benchmark machine, a tenth of a BRIGHT task's evaluation).</remarks>
internal static partial class MeasuredProcess
{
    /// <summary>Runs <paramref name="file"/> and throws with its stderr when it fails.</summary>
    /// <param name="file">The program.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="oneCore">Pin the process (all its threads) to CPU 0.</param>
    public static Measured Run(string file, IEnumerable<string> args, bool oneCore = false)
    {
        string timeFile = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in (string[])["-o", timeFile, "-f", "%M %U %S"])
            {
                start.ArgumentList.Add(a);
            }

            start.ArgumentList.Add(file);
            foreach (string a in args)
            {
                start.ArgumentList.Add(a);
            }

            var clock = Stopwatch.StartNew();
            using Process process = oneCore ? StartOnCpu0(start) : Process.Start(start)!;
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            double wall = clock.Elapsed.TotalSeconds;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed with exit code {process.ExitCode}: {stderr.Result.Trim()}");
            }

            string[] fields = File.ReadAllLines(timeFile)[^1].Trim().Split(' ');
            double peak = double.Parse(fields[0], CultureInfo.InvariantCulture) / 1024.0;
            double cpu = double.Parse(fields[1], CultureInfo.InvariantCulture) + double.Parse(fields[2], CultureInfo.InvariantCulture);
            return new Measured(stdout, wall, peak, stderr.Result, cpu);
        }
        finally
        {
            File.Delete(timeFile);
        }
    }

    /// <summary>True when GNU time is installed (the benchmark needs it).</summary>
    public static bool Available => File.Exists("/usr/bin/time");

    // Starts the child from this thread pinned to CPU 0 (the child and all its threads inherit it), then restores
    // this thread's CPUs.
    private static unsafe Process StartOnCpu0(ProcessStartInfo start)
    {
        const int SetBytes = 128; // cpu_set_t
        byte* saved = stackalloc byte[SetBytes];
        byte* cpu0 = stackalloc byte[SetBytes];
        new Span<byte>(cpu0, SetBytes).Clear();
        cpu0[0] = 1;
        if (SchedGetAffinity(0, SetBytes, saved) != 0 || SchedSetAffinity(0, SetBytes, cpu0) != 0)
        {
            throw new InvalidOperationException($"cannot pin to CPU 0: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            return Process.Start(start)!;
        }
        finally
        {
            _ = SchedSetAffinity(0, SetBytes, saved);
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static unsafe partial int SchedGetAffinity(int pid, nint size, byte* mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static unsafe partial int SchedSetAffinity(int pid, nint size, byte* mask);
}
