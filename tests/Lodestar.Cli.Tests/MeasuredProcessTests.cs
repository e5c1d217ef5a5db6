using Lodestar.Cli.Commands.Bm25Bench;

namespace Lodestar.Cli.Tests;

/// <summary>The benchmarks' child processes: measured from outside, and pinned to one core without a process in
/// front (the child itself reports the CPUs it may run on).</summary>
public sealed class MeasuredProcessTests
{
    /// <summary>A fact on Linux with GNU time installed (.ci/run installs it).</summary>
    public sealed class LinuxWithTimeFactAttribute : FactAttribute
    {
        public LinuxWithTimeFactAttribute()
        {
            if (!OperatingSystem.IsLinux() || !MeasuredProcess.Available)
            {
                Skip = "needs Linux and /usr/bin/time (apt-get install time)";
            }
        }
    }

    [LinuxWithTimeFact]
    public void OneCore_PinsTheChildToCpu0_AndLeavesTheBenchmarkAsItWas()
    {
        string before = File.ReadAllText("/proc/thread-self/status");
        Measured pinned = MeasuredProcess.Run("/bin/sh", ["-c", "grep Cpus_allowed_list /proc/self/status"], oneCore: true);
        Measured free = MeasuredProcess.Run("/bin/sh", ["-c", "grep Cpus_allowed_list /proc/self/status"]);

        Assert.Equal("Cpus_allowed_list:\t0", pinned.Stdout.Trim());
        Assert.Equal(AllowedList(before), free.Stdout.Trim());
        Assert.Equal(AllowedList(before), AllowedList(File.ReadAllText("/proc/thread-self/status")));
        Assert.True(pinned.WallSeconds > 0 && pinned.PeakMiB > 0);
    }

    private static string AllowedList(string status) =>
        status.Split('\n').Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Trim();
}
