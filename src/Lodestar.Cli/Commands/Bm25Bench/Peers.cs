using System.Diagnostics;
using System.Globalization;

namespace Lodestar.Cli.Commands.Bm25Bench;

/// <summary>
/// The native peers: Xapian through its C++ API and SQLite FTS5 through the sqlite3 CLI (build) and its C API
/// (search), compiled from <c>bench/peers</c> with g++ against Debian's libxapian-dev and libsqlite3-dev.
/// </summary>
internal sealed class Peers
{
    private const string Fts5Table =
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, content UNINDEXED, terms, " +
        "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'\")";

    private readonly string _xapian;
    private readonly string _fts5;

    private Peers(string xapian, string fts5, string xapianName, string fts5Name)
    {
        _xapian = xapian;
        _fts5 = fts5;
        XapianName = xapianName;
        Fts5Name = fts5Name;
    }

    /// <summary>"xapian" and its version.</summary>
    public string XapianName { get; }

    /// <summary>"sqlite-fts5" and SQLite's version.</summary>
    public string Fts5Name { get; }

    /// <summary>Compiles both peers (g++ -O2) into <paramref name="target"/>.</summary>
    public static Peers Build(string source, string target, TextWriter log)
    {
        Directory.CreateDirectory(target);
        string xapian = Path.Combine(target, "xapian_peer"), fts5 = Path.Combine(target, "fts5_search");
        log.WriteLine("building the native peers with g++ ...");
        Exec("g++", "-O2", "-o", xapian, Path.Combine(source, "xapian_peer.cc"), "-lxapian");
        Exec("g++", "-O2", "-o", fts5, Path.Combine(source, "fts5_search.cc"), "-lsqlite3");
        string xv = Exec("xapian-config", "--version").Trim().Split(' ')[^1];
        string sv = Exec("sqlite3", "--version").Trim().Split(' ')[0];
        return new Peers(xapian, fts5, $"xapian {xv}", $"sqlite-fts5 {sv}");
    }

    /// <summary>Builds a Xapian database (the peer's <c>index</c> mode).</summary>
    public Measured IndexXapian(string docs, string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, true);
        }

        return MeasuredProcess.Run(_xapian, ["index", docs, dir]);
    }

    /// <summary>Builds the FTS5 table with the sqlite3 CLI: <c>.import --ascii</c> in one transaction, no journal.</summary>
    public Measured IndexFts5(string docs, string db)
    {
        File.Delete(db);
        return MeasuredProcess.Run("sqlite3", [db, "PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", Fts5Table, $".import --ascii {docs} docs"]);
    }

    /// <summary>Compacts the Xapian database fully into one file beside it; returns its path.</summary>
    public string CompactXapian(string dir)
    {
        string target = dir + ".compact";
        File.Delete(target);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, true);
        }

        MeasuredProcess.Run(_xapian, ["compact", dir, target]);
        return target;
    }

    /// <summary>FTS5's own compaction: <c>optimize</c> (one b-tree segment), then VACUUM.</summary>
    public void CompactFts5(string db) => MeasuredProcess.Run("sqlite3", [db, "INSERT INTO docs(docs) VALUES('optimize')", "VACUUM"]);

    /// <summary>Runs Xapian search passes in a fresh process.</summary>
    public Measured SearchXapian(string index, string queries, int passes, double budget) =>
        MeasuredProcess.Run(_xapian, ["search", index, queries, "1000", $"{passes}", budget.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Runs FTS5 search passes in a fresh process.</summary>
    public Measured SearchFts5(string db, string queries, int passes, double budget) =>
        MeasuredProcess.Run(_fts5, [db, queries, "1000", $"{passes}", budget.ToString(CultureInfo.InvariantCulture)]);

    private static string Exec(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        Task<string> err = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output
            : throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed ({process.ExitCode}): {err.Result.Trim()} " +
                "(the peers need: apt-get install g++ libxapian-dev libsqlite3-dev sqlite3)");
    }
}
