using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Lodestar.Cli.Commands.Bm25Bench;
using Lodestar.Dense;

namespace Lodestar.Cli.Commands.DenseBench;

/// <summary>The options of <c>bench dense</c>.</summary>
internal sealed record DenseBenchOptions(int Count, int Dim, int Queries, int SingleQueries, int K, int Passes, int Threads, string Work,
    string Python, string PeersScript, string OpenBlas, string? OpenBlasCore, bool AllowAnyBlas, string MembwSource);

/// <summary>One interleaved run of <c>bench dense</c>: builds or reuses the vectors, times both systems, returns the table.</summary>
internal static class DenseBenchRun
{
    /// <summary>Wall and CPU seconds of one timed call.</summary>
    private readonly record struct Timed(double Wall, double Cpu);

    public static List<string> Run(CliContext context, DenseBenchOptions o)
    {
        Directory.CreateDirectory(o.Work);
        string indexPath = Path.Combine(o.Work, $"flat-{o.Count}x{o.Dim}");
        if (!File.Exists(Path.Combine(indexPath, VectorIndexHeader.FileName)))
        {
            context.Error.WriteLine($"writing {o.Count:N0} x {o.Dim} random unit vectors (seed 1) to {indexPath} ...");
            using var writer = new VectorIndexWriter(indexPath, o.Dim, int8: true, overwrite: true);
            var random = new Random(1);
            var v = new float[o.Dim];
            for (int i = 0; i < o.Count; i++)
            {
                DenseBench.Gaussian(random, v);
                writer.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), v);
            }

            writer.Complete("random", "plain", "{query}");
        }

        var qRandom = new Random(2);
        float[][] qs = [.. Enumerable.Range(0, o.Queries).Select(_ => { var q = new float[o.Dim]; DenseBench.Gaussian(qRandom, q); return q; })];
        string queriesPath = Path.Combine(o.Work, $"queries-{o.Queries}x{o.Dim}.f32");
        File.WriteAllBytes(queriesPath, [.. qs.SelectMany(q => MemoryMarshal.AsBytes(q.AsSpan()).ToArray())]);
        int singles = Math.Min(o.SingleQueries, o.Queries);
        string loadBefore = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

        context.Error.WriteLine("bandwidth probes ...");
        Bandwidth.Figure? c1 = Bandwidth.C(o.MembwSource, Path.Combine(o.Work, "membw"), 1, context.Error);
        Bandwidth.Figure? cN = Bandwidth.C(o.MembwSource, Path.Combine(o.Work, "membw"), o.Threads, context.Error);

        context.Error.WriteLine("starting faiss ...");
        using FaissPeer? faiss = StartFaiss(context, o, indexPath, queriesPath);
        var open = Stopwatch.StartNew();
        using VectorIndex index = VectorIndex.Open(indexPath, verify: false);
        double openSeconds = open.Elapsed.TotalSeconds;
        index.SearchMany([.. qs.Take(64)], o.K, o.Threads); // warm-up: JIT and the page mapping
        index.SearchManyInt8([.. qs.Take(64)], o.K, threads: o.Threads);
        bool accelerated = Int8BatchKernel.Current is not null;
        if (accelerated)
        {
            index.SearchManyInt8([.. qs.Take(64)], o.K, threads: o.Threads, managed: true);
        }

        var lf = new List<Timed>();
        var li = new List<Timed>();
        var lm = new List<Timed>(); // int8 on the managed kernel, where an accelerated one ran in li (A/B, interleaved)
        var ff = new List<Timed>();
        var ls = new List<double[]>();
        var lsi = new List<double[]>();
        var fs = new List<double[]>();
        var lsCpu = new List<double>();
        var lsiCpu = new List<double>();
        var fsCpu = new List<double>();
        (int Row, float Score)[][] exact = [], approx = [], approxManaged = [];
        for (int pass = 0; pass < o.Passes; pass++)
        {
            context.Error.WriteLine($"pass {pass + 1} of {o.Passes} ...");
            var steps = new List<Action>
            {
                () =>
                {
                    lf.Add(Time(() => exact = index.SearchMany(qs, o.K, o.Threads)));
                    Action native = () => li.Add(Time(() => approx = index.SearchManyInt8(qs, o.K, threads: o.Threads)));
                    Action managed = () => { if (accelerated) { lm.Add(Time(() => approxManaged = index.SearchManyInt8(qs, o.K, threads: o.Threads, managed: true))); } };
                    (pass % 2 == 0 ? native : managed)();
                    (pass % 2 == 0 ? managed : native)();
                },
                () => { if (faiss is not null) { JsonElement r = faiss.Ask("batch"); ff.Add(new Timed(r.GetProperty("seconds").GetDouble(), r.GetProperty("cpu_seconds").GetDouble())); } },
                () =>
                {
                    double[] wall = [];
                    lsCpu.Add(Time(() => wall = [.. qs.Take(singles).Select(q => Wall(() => index.Search(q, o.K, threads: o.Threads)))]).Cpu / singles);
                    ls.Add(wall);
                    lsiCpu.Add(Time(() => wall = [.. qs.Take(singles).Select(q => Wall(() => index.Search(q, o.K, Precision.Int8, threads: o.Threads)))]).Cpu / singles);
                    lsi.Add(wall);
                },
                () =>
                {
                    if (faiss is not null)
                    {
                        JsonElement r = faiss.Ask($"single {singles}");
                        fs.Add([.. r.GetProperty("per_query").EnumerateArray().Select(x => x.GetDouble())]);
                        fsCpu.Add(r.GetProperty("cpu_seconds").GetDouble() / singles);
                    }
                },
            };
            foreach (int step in pass % 2 == 0 ? [0, 1, 2, 3] : new[] { 1, 0, 3, 2 })
            {
                steps[step]();
            }
        }

        var exactSets = exact.Select(h => h.Select(x => x.Row).ToHashSet()).ToList();
        double recall = approx.Select((h, j) => h.Count(x => exactSets[j].Contains(x.Row))).Sum() / (double)exact.Sum(h => h.Length);
        long lodestarRss = Process.GetCurrentProcess().PeakWorkingSet64;
        Bandwidth.Figure cs = Bandwidth.CSharp(o.Threads);
        string loadAfter = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

        double bytes = (double)o.Count * o.Dim * 4, n = qs.Length;
        double Batched(List<Timed> t) => Stats.Median([.. t.Select(x => x.Wall / n)]);
        double BatchedCpu(List<Timed> t) => Stats.Median([.. t.Select(x => x.Cpu / n)]);
        double Single(List<double[]> t) => Stats.Median([.. t.SelectMany(x => x)]);
        string Ratio(IReadOnlyList<double> r) => r.Count == 0 ? "n/a" : $"{Stats.Min(r):F2}× min, {Stats.Median(r):F2}× median";
        string bw = cN is { } b ? $"{bytes / Single(ls) / 1e9:F1} GB/s = {bytes / Single(ls) / 1e9 / b.MedianGBs:P0} of the C probe" : $"{bytes / Single(ls) / 1e9:F1} GB/s";
        var table = new List<string>
        {
            $"vectors: {o.Count:N0} x {o.Dim} float32 ({bytes / 1e9:F2} GB), k = {o.K}, {qs.Length} queries per batched pass, {singles} timed one at a time, "
                + $"{o.Passes} interleaved passes, {o.Threads} threads for both systems",
            $"memory bandwidth (streaming read, 1 GiB, median of 7): C probe {Show(c1)} GB/s on 1 thread, {Show(cN)} on {o.Threads}; C# probe {cs.MedianGBs:F1} (best {cs.BestGBs:F1}) on {o.Threads}",
            $"load average before {loadBefore}; after {loadAfter}",
            $"int8 batched kernel: {Int8BatchKernel.Describe()}",
            faiss is null ? "faiss: not run" : $"faiss {faiss.Version}: BLAS {faiss.Blas} (OpenBLAS core {faiss.BlasCore}, {faiss.BlasThreads} BLAS threads, {faiss.OmpThreads} OpenMP threads)",
            "",
            "| system | mode | ms / query (median) | CPU ms / query | note |",
            "|---|---|---:|---:|---|",
            $"| lodestar | float32, {n} queries per call | {Batched(lf) * 1000:F3} | {BatchedCpu(lf) * 1000:F3} | {1 / Batched(lf):F0} q/s |",
        };
        if (ff.Count > 0)
        {
            table.Add($"| faiss {faiss!.Version} | IndexFlatIP, {n} queries per call | {Batched(ff) * 1000:F3} | {BatchedCpu(ff) * 1000:F3} | {1 / Batched(ff):F0} q/s; "
                + $"Lodestar {Ratio([.. ff.Zip(lf, (f, l) => f.Wall / l.Wall)])}; top-{o.K} agreement {Agreement(faiss, exactSets, o.K):F3} |");
        }

        table.Add($"| lodestar | int8 + float32 rescoring of 10·k, {n} queries per call | {Batched(li) * 1000:F3} | {BatchedCpu(li) * 1000:F3} | "
            + $"{Ratio([.. lf.Zip(li, (f, i) => f.Wall / i.Wall)])} float32 batched; recall@{o.K} {recall:F4} |");
        if (lm.Count > 0)
        {
            bool same = approx.Length == approxManaged.Length && approx.Zip(approxManaged, (a, b) => a.SequenceEqual(b)).All(x => x);
            table.Add($"| lodestar | int8 as above on the {Int8BatchKernel.ManagedName} kernel | {Batched(lm) * 1000:F3} | {BatchedCpu(lm) * 1000:F3} | "
                + $"{Ratio([.. lf.Zip(lm, (f, i) => f.Wall / i.Wall)])} float32 batched; native {Ratio([.. lm.Zip(li, (m, i) => m.Wall / i.Wall)])} managed; "
                + $"results {(same ? "identical" : "DIFFERENT")} |");
        }

        table.Add($"| lodestar | float32, 1 query per call | {Single(ls) * 1000:F2} | {Stats.Median(lsCpu) * 1000:F2} | {bw} |");
        if (fs.Count > 0)
        {
            table.Add($"| faiss {faiss!.Version} | IndexFlatIP, 1 query per call | {Single(fs) * 1000:F2} | {Stats.Median(fsCpu) * 1000:F2} | Lodestar {Ratio([.. fs.Zip(ls, (f, l) => Stats.Median(f) / Stats.Median(l))])} |");
        }

        table.Add($"| lodestar | int8 + rescoring, 1 query per call | {Single(lsi) * 1000:F2} | {Stats.Median(lsiCpu) * 1000:F2} | {Ratio([.. ls.Zip(lsi, (f, i) => Stats.Median(f) / Stats.Median(i))])} float32 single |");
        table.Add("");
        table.Add($"processes: lodestar opens the index in {openSeconds * 1000:F1} ms (memory-mapped), peak RSS {lodestarRss / 1048576.0:N0} MiB (the bench process, before the C# probe); "
            + (faiss is null ? "faiss not run" : $"faiss is ready (Python start, import, read, index.add) in {faiss.ReadySeconds:F2} s, peak RSS {faiss.Ask("rss").GetProperty("peak_rss_bytes").GetDouble() / 1048576.0:N0} MiB"));
        return table;
    }

    private static string Show(Bandwidth.Figure? f) => f is { } x ? $"{x.MedianGBs:F1} (best {x.BestGBs:F1})" : "n/a";

    private static double Agreement(FaissPeer faiss, List<HashSet<int>> exact, int k)
    {
        JsonElement ids = faiss.Ask("ids").GetProperty("ids");
        return ids.EnumerateArray().Select((r, j) => r.EnumerateArray().Count(x => exact[j].Contains(x.GetInt32()))).Sum() / (double)(k * exact.Count);
    }

    private static FaissPeer? StartFaiss(CliContext context, DenseBenchOptions o, string indexPath, string queriesPath)
    {
        if (!File.Exists(o.PeersScript))
        {
            context.Error.WriteLine($"faiss peer skipped: {o.PeersScript} not found");
            return null;
        }

        try
        {
            return FaissPeer.Start(o.Python, o.PeersScript,
                [Path.Combine(indexPath, "vectors.f32"), $"{o.Count}", $"{o.Dim}", queriesPath, $"{o.K}", $"{o.Threads}"], o.Threads, o.OpenBlas, o.OpenBlasCore, o.AllowAnyBlas);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException)
        {
            context.Error.WriteLine($"faiss peer skipped: {e.Message}");
            return null;
        }
    }

    private static double Wall(Action work)
    {
        long start = Stopwatch.GetTimestamp();
        work();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static Timed Time(Action work)
    {
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        work();
        double wall = clock.Elapsed.TotalSeconds;
        return new Timed(wall, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }
}
