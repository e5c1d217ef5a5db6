using System.CommandLine;
using Lodestar.Cli.Options;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Lodestar.Cli.Commands.Bm25Bench;

/// <summary>
/// <c>lodestar bench bm25</c>: BM25 indexing and search of Lodestar against Xapian and SQLite FTS5, each run natively
/// in its own process, on the same terms and stored text, at several corpus sizes (see docs/benchmarks.md).
/// </summary>
/// <remarks>
/// Every figure is measured from outside the process doing the work: whole-process wall time (the headline) and that
/// process's peak RSS. Peers: Xapian through its C++ API (<c>bench/peers/xapian_peer.cc</c>), FTS5 built by the
/// sqlite3 CLI's <c>.import</c> in one transaction and searched through its C API
/// (<c>bench/peers/fts5_search.cc</c>); both compiled here with g++. Index builds and search processes are taken
/// round-robin over the systems, so a slow window of a shared machine costs every system a pass.
/// </remarks>
internal static partial class Bm25Bench
{
    private sealed record Options(
        List<CorpusSpec> Corpora, string ShortQueries, string LongQueries, string Work, string PeerSource, int IndexPasses,
        int Rounds, int Passes, double PeerBudget, int Threads, string? Markdown);

    public static Command Create(CliContext context)
    {
        var corpus = new Option<string[]>("--corpus") { Description = "Corpus JSONL, or PATH@N for an evenly spaced sample of N lines; repeat for several sizes (see bench/corpus/make_debian_docs.py).", Required = true, AllowMultipleArgumentsPerToken = true };
        var shortQueries = new Option<string>("--short-queries") { Description = "Short topics, e.g. data/cranfield/queries.jsonl.", Required = true };
        var longQueries = new Option<string>("--long-queries") { Description = "Long topics: all 1,384 BRIGHT queries (bench/corpus/make_bright_queries.py), used unselected.", Required = true };
        var work = new Option<string>("--work") { Description = "Scratch directory.", DefaultValueFactory = _ => "out/bench/work" };
        var peers = new Option<string>("--peers-source") { Description = "Directory of the native peers' C++ sources.", DefaultValueFactory = _ => "bench/peers" };
        var indexPasses = new Option<int>("--index-passes") { Description = "Index builds per system, round-robin over the systems.", DefaultValueFactory = _ => 3 }.Range(1, 1_000_000_000);
        var rounds = new Option<int>("--rounds") { Description = "Fresh search processes per system and query set, round-robin.", DefaultValueFactory = _ => 2 }.Range(1, 1_000_000_000);
        var passes = new Option<int>("--passes") { Description = "Passes over the queries in each search process; the first is cold, the others warm.", DefaultValueFactory = _ => 2 }.Range(1, 1_000_000_000);
        var budget = new Option<double>("--peer-budget") { Description = "Seconds after which any system's search pass stops (its rate is then over the queries it answered; the long queries are shuffled, so they are a random sample).", DefaultValueFactory = _ => 90 }.Range(0.0, 1e9);
        var threads = new Option<int>("--threads") { Description = "Lodestar's all-cores configuration: index workers default, search threads = this.", DefaultValueFactory = _ => Environment.ProcessorCount }.Range(0, 4096);
        var markdown = new Option<string?>("--markdown") { Description = "Also write the tables as Markdown to this file." };
        var command = new Command("bm25", "Benchmark BM25 indexing and search against native Xapian and SQLite FTS5 on the same terms and text.")
        {
            corpus, shortQueries, longQueries, work, peers, indexPasses, rounds, passes, budget, threads, markdown,
        };
        command.SetAction(parse => Run(context, new Options(
            [.. parse.GetValue(corpus)!.Select(CorpusSpec.Parse)], parse.GetValue(shortQueries)!, parse.GetValue(longQueries)!,
            parse.GetValue(work)!, parse.GetValue(peers)!, parse.GetValue(indexPasses), parse.GetValue(rounds), parse.GetValue(passes),
            parse.GetValue(budget), parse.GetValue(threads), parse.GetValue(markdown))));
        return command;
    }

    private static int Run(CliContext context, Options o)
    {
        if (!MeasuredProcess.Available)
        {
            context.Error.WriteLine("error: bench bm25 needs /usr/bin/time (apt-get install time)");
            return 1;
        }

        Directory.CreateDirectory(o.Work);
        var self = new SelfCommand();
        Peers peers = Peers.Build(o.PeerSource, Path.Combine(o.Work, "peers"), context.Error);
        var report = new Bm25BenchReport(o.Threads, peers);
        string qDir = Path.Combine(o.Work, "queries");
        Directory.CreateDirectory(qDir);
        var sets = new List<(string Name, string Lodestar, string Peer, int Count, double Terms)>();
        foreach ((string name, string path) in new[] { ("short", o.ShortQueries), ("long", o.LongQueries) })
        {
            string analyzed = Path.Combine(qDir, $"{name}.analyzed.jsonl");
            self.Exec("analyze", "--topics", path, "-o", analyzed);
            string lodestarQ = Path.Combine(qDir, $"{name}.jsonl"), peerQ = Path.Combine(qDir, $"{name}.peer");
            (int count, double terms) = Bm25BenchInputs.WriteQueries(analyzed, lodestarQ, peerQ, shuffle: name == "long");
            sets.Add((name, lodestarQ, peerQ, count, terms));
        }

        report.Queries(sets.Select(s => (s.Name, s.Count, s.Terms)));
        string oneLodestar = Path.Combine(qDir, "one.jsonl"), onePeer = Path.Combine(qDir, "one.peer");
        File.WriteAllLines(oneLodestar, File.ReadLines(sets[0].Lodestar).Take(1));
        File.WriteAllText(onePeer, File.ReadAllText(sets[0].Peer).Split('\x1e')[0] + "\x1e");

        foreach (CorpusSpec spec in o.Corpora)
        {
            RunCorpus(context, o, self, peers, report, spec, sets, oneLodestar, onePeer);
        }

        string text = report.ToString();
        context.Out.Write(text);
        if (o.Markdown is not null)
        {
            File.WriteAllText(o.Markdown, text);
        }

        return 0;
    }

    private static void RunCorpus(CliContext context, Options o, SelfCommand self, Peers peers, Bm25BenchReport report, CorpusSpec spec,
        List<(string Name, string Lodestar, string Peer, int Count, double Terms)> sets, string oneLodestar, string onePeer)
    {
        string name = Path.GetFileNameWithoutExtension(spec.Path) + (spec.Lines is int n ? $"@{n}" : "");
        string dir = Path.Combine(o.Work, name);
        Directory.CreateDirectory(dir);
        string source = spec.Path;
        if (spec.Lines is int lines)
        {
            source = Path.Combine(dir, "corpus.jsonl");
            Bm25BenchInputs.Sample(spec.Path, lines, source);
        }

        context.Error.WriteLine($"{name}: analyzing once for every system ...");
        string tokens = Path.Combine(dir, "tokens.jsonl"), peerDocs = Path.Combine(dir, "docs.peer");
        self.Exec("analyze", "--corpus", source, "-o", tokens);
        (long documents, long tokenCount) = Bm25BenchInputs.WritePeerDocuments(tokens, peerDocs);

        string l1 = Path.Combine(dir, "lodestar-1"), lN = Path.Combine(dir, "lodestar-n"), xap = Path.Combine(dir, "xapian");
        string fts = Path.Combine(dir, "fts5.db");
        var builds = new (IndexResult Result, Func<Measured> Build, Func<Measured, double?> InProcess)[]
        {
            (new IndexResult("lodestar", "1 core (pinned; worker + writer)"),
                () => self.Measure(true, "index", tokens, "-o", l1, "--analyzer", "pretokenized", "--threads", "1", "--overwrite"), LodestarSeconds),
            (new IndexResult("lodestar", $"{o.Threads} cores (default workers + writer)"),
                () => self.Measure(false, "index", tokens, "-o", lN, "--analyzer", "pretokenized", "--overwrite"), LodestarSeconds),
            (new IndexResult(peers.XapianName, "1 thread"), () => peers.IndexXapian(peerDocs, xap), PeerSeconds),
            (new IndexResult(peers.Fts5Name, "1 thread"), () => peers.IndexFts5(peerDocs, fts), _ => null),
        };
        for (int p = 0; p < o.IndexPasses; p++)
        {
            foreach ((IndexResult result, Func<Measured> build, Func<Measured, double?> inProcess) in builds)
            {
                Measured m = build();
                result.Wall.Add(m.WallSeconds);
                result.Cpu.Add(m.CpuSeconds);
                if (inProcess(m) is double s)
                {
                    result.InProcess.Add(s);
                }

                result.PeakMiB = Math.Max(result.PeakMiB, m.PeakMiB);
            }

            context.Error.WriteLine($"{name}: index pass {p + 1} of {o.IndexPasses} done");
        }

        string xapCompact = peers.CompactXapian(xap);
        peers.CompactFts5(fts);
        builds[0].Result.SizeMiB = SizeMiB(l1);
        builds[1].Result.SizeMiB = SizeMiB(lN);
        builds[2].Result.SizeMiB = SizeMiB(xapCompact);
        builds[3].Result.SizeMiB = SizeMiB(fts);

        var searches = new List<SearchResult>();
        foreach ((string set, string lq, string pq, int total, _) in sets)
        {
            var runs = new (SearchResult Result, Func<Measured> Run)[]
            {
                (new SearchResult("lodestar", 1, set) { Total = total }, () => self.Measure(true, "bench", "bm25-search", l1, lq, "--passes", $"{o.Passes}", "--threads", "1", "--budget", Budget(o))),
                (new SearchResult("lodestar", o.Threads, set) { Total = total }, () => self.Measure(false, "bench", "bm25-search", l1, lq, "--passes", $"{o.Passes}", "--threads", $"{o.Threads}", "--budget", Budget(o))),
                (new SearchResult(peers.XapianName, 1, set) { Total = total }, () => peers.SearchXapian(xapCompact, pq, o.Passes, o.PeerBudget)),
                (new SearchResult(peers.Fts5Name, 1, set) { Total = total }, () => peers.SearchFts5(fts, pq, o.Passes, o.PeerBudget)),
            };
            for (int r = 0; r < o.Rounds; r++)
            {
                foreach ((SearchResult result, Func<Measured> run) in runs)
                {
                    result.Add(run());
                }

                context.Error.WriteLine($"{name}: {set} queries, round {r + 1} of {o.Rounds} done");
            }

            searches.AddRange(runs.Select(x => x.Result));
        }

        var startup = new[]
        {
            (new StartupResult("lodestar --version"), (Func<Measured>)(() => self.Measure(false, "--version"))),
            (new StartupResult("lodestar search, one short query"), () => self.Measure(false, "search", l1, "--topics", oneLodestar, "-o", Path.Combine(dir, "one.run"))),
            (new StartupResult($"{peers.XapianName} peer, one short query"), () => peers.SearchXapian(xapCompact, onePeer, 1, 0)),
            (new StartupResult($"{peers.Fts5Name} peer, one short query"), () => peers.SearchFts5(fts, onePeer, 1, 0)),
        };
        for (int r = 0; r < 5; r++)
        {
            foreach ((StartupResult result, Func<Measured> run) in startup)
            {
                result.Ms.Add(run().WallSeconds * 1000);
            }
        }

        report.Corpus(name, documents, tokenCount, [.. builds.Select(b => b.Result)], searches, [.. startup.Select(s => s.Item1)]);
        if (o.Markdown is not null)
        {
            File.WriteAllText(o.Markdown, report.ToString()); // after every corpus, so a long run's finished sizes are kept
        }
    }

    private static string Budget(Options o) => o.PeerBudget.ToString(CultureInfo.InvariantCulture);

    private static double? LodestarSeconds(Measured m)
    {
        Match match = SummarySeconds().Match(m.Stderr);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static double? PeerSeconds(Measured m) =>
        System.Text.Json.JsonDocument.Parse(m.Stdout).RootElement.GetProperty("seconds").GetDouble();

    private static double SizeMiB(string path) => (File.Exists(path) ? new FileInfo(path).Length
        : new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)) / 1048576.0;

    [GeneratedRegex(@"terms \(.*?\) in ([0-9.]+) s")]
    private static partial Regex SummarySeconds();
}
