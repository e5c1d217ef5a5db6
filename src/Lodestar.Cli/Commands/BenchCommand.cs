using System.CommandLine;
using Lodestar.Cli.Options;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar bench bm25</c>: indexing and search throughput of Lodestar against Xapian and SQLite FTS5, fed the same
/// tokens in the same run; prints a table and the ratios to the fastest peer.
/// </summary>
/// <remarks>
/// Every system indexes the pre-analyzed corpus (Lodestar's English analyzer run once up front), each in its own
/// process under <c>/usr/bin/time</c> for peak memory; Lodestar's figure includes reading and parsing the JSONL,
/// the peers' exclude it. Indexing: the fastest of <c>--index-passes</c> builds per system (peak memory: the largest),
/// the passes taken round-robin over the systems.
/// Search: one warm-up pass, then the fastest of <c>--passes</c> timed passes, top 1000.
/// </remarks>
internal static class BenchCommand
{
    private static readonly string[] PeerSystems = ["xapian", "fts5"];

    private sealed record Row(string System, int Threads, double IndexSeconds, long Tokens, double PeakMiB, double IndexMiB, double ShortQps, double LongQps);

    public static Command Create(CliContext context)
    {
        var corpus = new Option<string>("--corpus") { Description = "Corpus JSONL (see bench/corpus/make_debian_docs.py).", Required = true };
        var shortQueries = new Option<string>("--short-queries") { Description = "Short topics, e.g. data/cranfield/queries.jsonl.", Required = true };
        var longQueries = new Option<string>("--long-queries") { Description = "Long topics (BRIGHT examples); queries of at least 100 terms are kept, cut to 150.", Required = true };
        var work = new Option<string>("--work") { Description = "Scratch directory.", DefaultValueFactory = _ => "out/bench/work" };
        var python = new Option<string>("--python") { Description = "Python with python3-xapian.", DefaultValueFactory = _ => "/usr/bin/python3" };
        var peers = new Option<string>("--peers-script") { Description = "The peers' script.", DefaultValueFactory = _ => "bench/peers/bm25_peers.py" };
        var passes = new Option<int>("--passes") { Description = "Timed search passes (the fastest counts).", DefaultValueFactory = _ => 3 }.Range(1, 1000);
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file." };
        var indexPasses = new Option<int>("--index-passes") { Description = "Index builds per system, taken round-robin over the systems (the fastest counts; the VM is noisy).", DefaultValueFactory = _ => 3 }.Range(1, 1000);
        var bm25 = new Command("bm25", "Benchmark BM25 indexing and search against Xapian and SQLite FTS5 on the same tokens.")
        {
            corpus, shortQueries, longQueries, work, python, peers, passes, markdown, indexPasses,
        };
        bm25.SetAction(parse => Run(context, parse.GetValue(corpus)!, parse.GetValue(shortQueries)!, parse.GetValue(longQueries)!,
            parse.GetValue(work)!, parse.GetValue(python)!, parse.GetValue(peers)!, parse.GetValue(passes), parse.GetValue(markdown), parse.GetValue(indexPasses)));
        return new Command("bench", "End-to-end benchmarks against peers installed on this machine.") { bm25, DenseBench.Create(context) };
    }

    private static int Run(CliContext context, string corpus, string shortQ, string longQ, string work, string python, string peers, int passes, string? markdown, int indexPasses)
    {
        Directory.CreateDirectory(work);
        string self = Environment.ProcessPath!;
        string[] selfArgs = self.EndsWith("dotnet", StringComparison.Ordinal) ? [typeof(BenchCommand).Assembly.Location] : [];
        string tokens = Path.Combine(work, "corpus.tokens.jsonl");
        string qShort = Path.Combine(work, "q-short.jsonl");
        string qLong = Path.Combine(work, "q-long.jsonl");
        context.Error.WriteLine("preparing the same tokens for every system ...");
        Exec(self, [.. selfArgs, "analyze", "--corpus", corpus, "-o", tokens]);
        Exec(self, [.. selfArgs, "analyze", "--topics", shortQ, "-o", qShort]);
        PrepareLong(self, selfArgs, longQ, Path.Combine(work, "q-long.all.jsonl"), qLong);

        // Index builds round-robin: each pass builds every system once, so a slow window of a noisy VM costs every
        // system a pass instead of costing one system all of its passes.
        var builds = new Dictionary<string, (double Seconds, double Peak, string Output)>();
        void Record(string name, double seconds, double peak, string output)
        {
            (double Seconds, double Peak, string Output) old = builds.GetValueOrDefault(name, (double.MaxValue, 0, ""));
            builds[name] = seconds < old.Seconds ? (seconds, Math.Max(peak, old.Peak), output) : old with { Peak = Math.Max(peak, old.Peak) };
        }

        for (int p = 0; p < indexPasses; p++)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                (double seconds, double peak) = Timed(self, [.. selfArgs, "index", tokens, "-o", Path.Combine(work, $"lodestar-{threads}"),
                    "--analyzer", "pretokenized", "--threads", $"{threads}", "--overwrite"]);
                Record($"lodestar-{threads}", seconds, peak, "");
            }

            foreach (string system in PeerSystems)
            {
                (string output, double peak) = TimedOutput(python, [peers, "index", system, tokens, Path.Combine(work, $"peer.{system}")]);
                using JsonDocument pass = JsonDocument.Parse(output);
                Record(system, pass.RootElement.GetProperty("seconds").GetDouble(), peak, output);
            }

            context.Error.WriteLine($"index pass {p + 1} of {indexPasses}: done");
        }

        var rows = new List<Row>();
        foreach (int threads in new[] { 1, 2 })
        {
            string index = Path.Combine(work, $"lodestar-{threads}");
            using IndexReader reader = IndexReader.Open(index);
            (double s, double l) = SearchLodestar(reader, qShort, qLong, threads, passes);
            (double seconds, double peak, _) = builds[$"lodestar-{threads}"];
            rows.Add(new Row("lodestar", threads, seconds, reader.Header.TotalTerms, peak, DirMiB(index), s, l));
            context.Error.WriteLine($"lodestar, {threads} thread(s): searched");
        }

        foreach (string system in PeerSystems)
        {
            string index = Path.Combine(work, $"peer.{system}");
            using JsonDocument built = JsonDocument.Parse(builds[system].Output);
            double shortSeconds = PeerSearch(python, peers, system, index, qShort, passes);
            double longSeconds = PeerSearch(python, peers, system, index, qLong, passes);
            rows.Add(new Row(system == "fts5" ? "sqlite-fts5" : "xapian", 1, builds[system].Seconds,
                built.RootElement.GetProperty("tokens").GetInt64(), builds[system].Peak, File.Exists(index) ? new FileInfo(index).Length / 1048576.0 : DirMiB(index),
                Count(qShort) / shortSeconds, Count(qLong) / longSeconds));
            context.Error.WriteLine($"{system}: searched");
        }

        string table = Format(rows, corpus);
        context.Out.Write(table);
        if (markdown is not null)
        {
            File.WriteAllText(markdown, table);
        }

        return 0;
    }

    private static (double Short, double Long) SearchLodestar(IndexReader reader, string qShort, string qLong, int threads, int passes)
    {
        var searcher = new Searcher(reader, new Bm25Parameters(Bm25Mode.Bright));
        double Qps(string path)
        {
            List<Topic> topics = TopicReader.Read(path);
            searcher.Search(topics, 1000, threads); // warm-up: JIT, decoded postings, id ranks
            double best = double.MaxValue;
            for (int p = 0; p < passes; p++)
            {
                var clock = Stopwatch.StartNew();
                searcher.Search(topics, 1000, threads);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            return topics.Count / best;
        }

        return (Qps(qShort), Qps(qLong));
    }

    private static double PeerSearch(string python, string script, string system, string index, string queries, int passes)
    {
        (string output, _) = TimedOutput(python, [script, "search", system, index, queries, "1000", $"{passes}"]);
        using JsonDocument result = JsonDocument.Parse(output);
        return result.RootElement.GetProperty("seconds").GetDouble();
    }

    private static void PrepareLong(string self, string[] selfArgs, string input, string analyzed, string output)
    {
        Exec(self, [.. selfArgs, "analyze", "--topics", input, "-o", analyzed]);
        using var writer = new StreamWriter(output);
        foreach (string line in File.ReadLines(analyzed))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            string[] terms = [.. doc.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)];
            if (terms.Length >= 100)
            {
                writer.WriteLine(JsonSerializer.Serialize(new { id = doc.RootElement.GetProperty("id").GetString(), tokens = terms[..Math.Min(150, terms.Length)] }));
            }
        }
    }

    private static int Count(string path) => File.ReadLines(path).Count(l => l.Length > 0);

    private static double DirMiB(string dir) => new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) / 1048576.0;

    private static void Exec(string file, string[] args) => TimedOutput(file, args, measure: false);

    private static (double Seconds, double PeakMiB) Timed(string file, string[] args)
    {
        var clock = Stopwatch.StartNew();
        (_, double peak) = TimedOutput(file, args);
        return (clock.Elapsed.TotalSeconds, peak);
    }

    /// <summary>Runs a child process (under /usr/bin/time when present) and returns its stdout and peak RSS in MiB.</summary>
    private static (string Output, double PeakMiB) TimedOutput(string file, string[] args, bool measure = true)
    {
        bool time = measure && File.Exists("/usr/bin/time");
        var start = new ProcessStartInfo(time ? "/usr/bin/time" : file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (time)
        {
            start.ArgumentList.Add("-f");
            start.ArgumentList.Add("peak-kb=%M");
            start.ArgumentList.Add(file);
        }

        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string err = stderr.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed with exit code {process.ExitCode}: {err.Trim()}");
        }

        int at = err.LastIndexOf("peak-kb=", StringComparison.Ordinal);
        double peak = at >= 0 ? double.Parse(err[(at + 8)..].Trim(), CultureInfo.InvariantCulture) / 1024.0 : double.NaN;
        return (stdout, peak);
    }

    private static string Format(List<Row> rows, string corpus)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine($"BM25 benchmark on {Path.GetFileName(corpus)} ({rows[0].Tokens:N0} tokens), {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
        w.WriteLine();
        w.WriteLine("| system | threads | index s | tokens/s | peak MiB | index MiB | short q/s | long q/s |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Row r in rows)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.System} | {r.Threads} | {r.IndexSeconds:F2} | {r.Tokens / r.IndexSeconds:N0} | {r.PeakMiB:F0} | {r.IndexMiB:F1} | {r.ShortQps:F0} | {r.LongQps:F1} |"));
        }

        Row[] peers = [.. rows.Where(r => r.System != "lodestar")];
        w.WriteLine();
        foreach (int threads in new[] { 1, 2 })
        {
            Row l = rows.First(r => r.System == "lodestar" && r.Threads == threads);
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lodestar ({threads} thread{(threads > 1 ? "s" : "")}) vs the fastest peer: indexing {peers.Min(p => p.IndexSeconds) / l.IndexSeconds:F2}x, " +
                $"short queries {l.ShortQps / peers.Max(p => p.ShortQps):F2}x, long queries {l.LongQps / peers.Max(p => p.LongQps):F2}x, " +
                $"index size {l.IndexMiB / peers.First(p => p.System == "xapian").IndexMiB:F2} of Xapian's"));
        }

        return w.ToString();
    }
}
