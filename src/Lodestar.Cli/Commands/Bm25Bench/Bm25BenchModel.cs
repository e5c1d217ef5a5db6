using System.Text.Json;

namespace Lodestar.Cli.Commands.Bm25Bench;

/// <summary>The index builds of one system on one corpus.</summary>
/// <param name="System">Name and version.</param>
/// <param name="Threads">What it ran on, in words (e.g. "1 core", "2 workers + writer").</param>
internal sealed record IndexResult(string System, string Threads)
{
    /// <summary>Whole-process wall seconds, one per pass.</summary>
    public List<double> Wall { get; } = [];

    /// <summary>CPU seconds (user + system) of the process, one per pass.</summary>
    public List<double> Cpu { get; } = [];

    /// <summary>The engine's own timing of its work, one per pass, where it reports one.</summary>
    public List<double> InProcess { get; } = [];

    /// <summary>The largest peak RSS over the passes, MiB.</summary>
    public double PeakMiB { get; set; }

    /// <summary>Index size after the system's compaction, MiB.</summary>
    public double SizeMiB { get; set; }
}

/// <summary>The search processes of one system on one query set.</summary>
/// <param name="System">Name and version.</param>
/// <param name="Threads">Search threads.</param>
/// <param name="Set">short or long.</param>
internal sealed record SearchResult(string System, int Threads, string Set)
{
    /// <summary>Queries per second of each fresh process's first pass, counted on the whole process (start-up, index
    /// open and the first pass; the later passes' time is taken out).</summary>
    public List<double> ColdQps { get; } = [];

    /// <summary>The first pass's p50 latency, ms, per process.</summary>
    public List<double> ColdP50 { get; } = [];

    /// <summary>The first pass's p99 latency, ms, per process.</summary>
    public List<double> ColdP99 { get; } = [];

    /// <summary>Queries per second of each later pass, in process.</summary>
    public List<double> WarmQps { get; } = [];

    /// <summary>The later passes' p99 latency, ms.</summary>
    public List<double> WarmP99 { get; } = [];

    /// <summary>CPU seconds (user + system) of each search process, all its passes.</summary>
    public List<double> Cpu { get; } = [];

    /// <summary>Index open, ms, per process (in process).</summary>
    public List<double> OpenMs { get; } = [];

    /// <summary>Queries in the set.</summary>
    public int Total { get; init; }

    /// <summary>Queries answered in the first pass (fewer than the set when a peer's time budget ran out).</summary>
    public int QueriesDone { get; set; }

    /// <summary>The largest peak RSS of the search processes, MiB.</summary>
    public double PeakMiB { get; set; }

    /// <summary>Adds one process's figures from the JSON every search worker prints.</summary>
    public void Add(Measured run)
    {
        using JsonDocument doc = JsonDocument.Parse(run.Stdout);
        JsonElement[] passes = [.. doc.RootElement.GetProperty("passes").EnumerateArray()];
        double later = passes.Skip(1).Sum(p => p.GetProperty("seconds").GetDouble());
        int done = passes[0].GetProperty("queries").GetInt32();
        QueriesDone = done;
        ColdQps.Add(done / (run.WallSeconds - later));
        ColdP50.Add(passes[0].GetProperty("p50_ms").GetDouble());
        ColdP99.Add(passes[0].GetProperty("p99_ms").GetDouble());
        foreach (JsonElement p in passes.Skip(1))
        {
            WarmQps.Add(p.GetProperty("queries").GetInt32() / p.GetProperty("seconds").GetDouble());
            WarmP99.Add(p.GetProperty("p99_ms").GetDouble());
        }

        OpenMs.Add(doc.RootElement.GetProperty("open_ms").GetDouble());
        Cpu.Add(run.CpuSeconds);
        PeakMiB = Math.Max(PeakMiB, run.PeakMiB);
    }
}

/// <summary>Whole-process start-up figures, ms.</summary>
/// <param name="What">The command, in words.</param>
internal sealed record StartupResult(string What)
{
    /// <summary>Whole-process wall ms, one per run.</summary>
    public List<double> Ms { get; } = [];
}

/// <summary>Small statistics over repeated measurements.</summary>
internal static class Stats
{
    /// <summary>The median (mean of the middle two for an even count); NaN when empty.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] v = [.. values.Order()];
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>The smallest value; NaN when empty.</summary>
    public static double Min(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Min();

    /// <summary>The largest value; NaN when empty.</summary>
    public static double Max(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Max();
}
