using System.Globalization;
using System.Text;

namespace Lodestar.Cli.Commands.Bm25Bench;

/// <summary>The Markdown tables of <c>lodestar bench bm25</c>: per corpus, indexing, search, start-up and the ratios
/// to the fastest peer with their min (best against best) and median (median against median).</summary>
internal sealed class Bm25BenchReport(int threads, Peers peers)
{
    private readonly StringBuilder _text = new();

    /// <summary>The query sets' description.</summary>
    public void Queries(IEnumerable<(string Name, int Count, double Terms)> sets)
    {
        Line($"BM25 benchmark, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; peers {peers.XapianName} (C++ API) and " +
            $"{peers.Fts5Name} (sqlite3 CLI .import, C API search), each in its own native process.");
        Line("Headline: whole-process wall time and peak RSS of the process doing the work, measured from outside; in-process figures are labelled.");
        Line("Queries (repeated terms folded to one for every system): " +
            string.Join("; ", sets.Select(s => $"{s.Name}: {s.Count:N0} topics, {s.Terms:F1} distinct terms on average")) + ". Top 1000, BM25 k1 0.9, b 0.4 (FTS5: its fixed 1.2, 0.75).");
        Line();
    }

    /// <summary>Adds one corpus's tables.</summary>
    public void Corpus(string name, long documents, long tokens, IReadOnlyList<IndexResult> builds, IReadOnlyList<SearchResult> searches, IReadOnlyList<StartupResult> startup)
    {
        Line($"### {name}: {documents:N0} documents, {tokens:N0} terms");
        Line();
        Line($"Indexing ({builds[0].Wall.Count} builds per system, round-robin):");
        Line();
        Line("| system | threads | whole process s, min / median | CPU s (user+sys), min | in-process s, min | terms/s (min) | peak RSS MiB | index MiB (after compaction) |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (IndexResult b in builds)
        {
            Line($"| {b.System} | {b.Threads} | {Stats.Min(b.Wall):F2} / {Stats.Median(b.Wall):F2} | {Stats.Min(b.Cpu):F2} | {(b.InProcess.Count > 0 ? Stats.Min(b.InProcess).ToString("F2", CultureInfo.InvariantCulture) : "–")} | " +
                $"{tokens / Stats.Min(b.Wall):N0} | {b.PeakMiB:F0} | {b.SizeMiB:F1} |");
        }

        Line();
        Line($"Search ({searches[0].ColdQps.Count} fresh processes per row, round-robin; cold = the first pass of a fresh process, counted on the whole process; warm = the later passes, in process):");
        Line();
        Line("| system | threads | queries | cold q/s, whole process, best / median | cold p50 / p99 ms | warm q/s in process, best / median | warm p99 ms | open ms (in process) | process CPU s, min | peak RSS MiB |");
        Line("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (SearchResult s in searches)
        {
            string done = s.QueriesDone < s.Total ? $"{s.Set} ({s.QueriesDone:N0} of {s.Total:N0}, time budget)" : s.Set;
            Line($"| {s.System} | {s.Threads} | {done} | {Stats.Max(s.ColdQps):F1} / {Stats.Median(s.ColdQps):F1} | {Stats.Median(s.ColdP50):F2} / {Stats.Median(s.ColdP99):F2} | " +
                $"{Stats.Max(s.WarmQps):F1} / {Stats.Median(s.WarmQps):F1} | {Stats.Median(s.WarmP99):F2} | {Stats.Median(s.OpenMs):F1} | {Stats.Min(s.Cpu):F2} | {s.PeakMiB:F0} |");
        }

        Line();
        Line("| start-up, whole process (5 runs) | min ms | median ms |");
        Line("|---|---:|---:|");
        foreach (StartupResult s in startup)
        {
            Line($"| {s.What} | {Stats.Min(s.Ms):F1} | {Stats.Median(s.Ms):F1} |");
        }

        Line();
        Line("Ratios, Lodestar to the fastest peer (min: best against best; median: median against median):");
        Line();
        Line("| Lodestar | indexing | short cold | long cold | short warm | long warm | size vs compacted Xapian |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        IndexResult[] peerBuilds = [.. builds.Where(b => b.System != "lodestar")];
        IndexResult xapian = peerBuilds.First(b => b.System.StartsWith("xapian", StringComparison.Ordinal));
        foreach ((IndexResult build, int searchThreads, string label) in new[] { (builds[0], 1, "1 core / 1 thread vs 1 thread"), (builds[1], threads, $"{threads} cores vs the peers' best (1 thread)") })
        {
            string Search(string set, Func<SearchResult, List<double>> pick)
            {
                SearchResult l = searches.First(s => s.System == "lodestar" && s.Threads == searchThreads && s.Set == set);
                SearchResult[] ps = [.. searches.Where(s => s.System != "lodestar" && s.Set == set)];
                return Ratio(Stats.Max(pick(l)) / ps.Max(p => Stats.Max(pick(p))), Stats.Median(pick(l)) / ps.Max(p => Stats.Median(pick(p))));
            }

            Line($"| {label} | {Ratio(peerBuilds.Min(p => Stats.Min(p.Wall)) / Stats.Min(build.Wall), peerBuilds.Min(p => Stats.Median(p.Wall)) / Stats.Median(build.Wall))} | " +
                $"{Search("short", s => s.ColdQps)} | {Search("long", s => s.ColdQps)} | {Search("short", s => s.WarmQps)} | {Search("long", s => s.WarmQps)} | " +
                $"{build.SizeMiB / xapian.SizeMiB:F2} |");
        }

        Line();
    }

    /// <inheritdoc />
    public override string ToString() => _text.ToString();

    private static string Ratio(double min, double median) => string.Create(CultureInfo.InvariantCulture, $"{min:F2}× / {median:F2}×");

    private void Line(string text = "") => _text.Append(CultureInfo.InvariantCulture, $"{text}\n");
}
