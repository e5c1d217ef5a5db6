using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace Lodestar.Cli.Commands.DenseBench;

/// <summary>Streaming-read memory bandwidth: the C probe (<c>bench/peers/membw.c</c>, OpenMP) and the same loop in C#.</summary>
/// <remarks>
/// Both sum a 1 GiB buffer, each thread its own slice (first-touched by that thread in C), with independent vector
/// accumulators so loads, not add latency, set the pace; the first pass is not counted, and the figure is the median
/// of the rest (best beside it). An earlier probe summed with one accumulator and read about half the real figure.
/// </remarks>
internal static class Bandwidth
{
    /// <summary>One probe's result.</summary>
    public readonly record struct Figure(double MedianGBs, double BestGBs);

    /// <summary>Builds <c>membw</c> with gcc when missing or older than the source, then runs it; null when gcc or the source is missing.</summary>
    public static Figure? C(string source, string binary, int threads, TextWriter log)
    {
        if (!File.Exists(source))
        {
            return null;
        }

        if (!File.Exists(binary) || File.GetLastWriteTimeUtc(binary) < File.GetLastWriteTimeUtc(source))
        {
            (int code, string output) = Run("gcc", ["-O3", "-march=native", "-fopenmp", source, "-o", binary]);
            if (code != 0)
            {
                log.WriteLine($"bandwidth probe not built (gcc exited {code}): {output.Trim().Split('\n').Last()}");
                return null;
            }
        }

        (int exit, string json) = Run(binary, [$"{threads}", "1024", "7"]);
        if (exit != 0)
        {
            log.WriteLine($"{binary} exited {exit}");
            return null;
        }

        using JsonDocument doc = JsonDocument.Parse(json);
        return new Figure(doc.RootElement.GetProperty("median_gbs").GetDouble(), doc.RootElement.GetProperty("best_gbs").GetDouble());
    }

    private static (int Code, string Output) Run(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            using Process p = Process.Start(start)!;
            Task<string> error = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output + error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, e.Message);
        }
    }

    /// <summary>The C# probe: 1 GiB, 8 passes (the first not counted), 4 vector accumulators per thread.</summary>
    public static unsafe Figure CSharp(int threads)
    {
        const long Floats = 1L << 28;
        float* buffer = (float*)NativeMemory.AlignedAlloc((nuint)(Floats * 4), 64);
        try
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                new Span<float>(buffer + (Floats * t / threads), (int)((Floats * (t + 1) / threads) - (Floats * t / threads))).Fill(1f));
            var seconds = new List<double>();
            for (int pass = 0; pass < 8; pass++)
            {
                var clock = Stopwatch.StartNew();
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => Sum(buffer + (Floats * t / threads), (Floats * (t + 1) / threads) - (Floats * t / threads)));
                if (pass > 0)
                {
                    seconds.Add(clock.Elapsed.TotalSeconds);
                }
            }

            return new Figure(Floats * 4 / Bm25Bench.Stats.Median(seconds) / 1e9, Floats * 4 / seconds.Min() / 1e9);
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    private static unsafe float Sum(float* p, long n)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        long i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a0 += Vector256.Load(p + i);
            a1 += Vector256.Load(p + i + 8);
            a2 += Vector256.Load(p + i + 16);
            a3 += Vector256.Load(p + i + 24);
        }

        float s = Vector256.Sum((a0 + a1) + (a2 + a3));
        for (; i < n; i++)
        {
            s += p[i];
        }

        return s;
    }
}
