using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lodestar.Cli.Tests;

/// <summary>
/// Random argument vectors for every command of the tree (enumerated from <see cref="Cli.CreateRoot(CliContext)"/>, so new
/// commands are fuzzed without code here): out-of-range and malformed values, missing, truncated and corrupted
/// inputs, folders where files are expected, outputs that cannot be written. Every run must end with exit 0, 1 or
/// 2 and never with an unhandled exception. Bounded in time; the seed is printed with any failure.
/// </summary>
[Collection("environment")]
public sealed class FuzzTests : IDisposable
{
    /// <summary>Commands that run for minutes on any input (benchmarks, the demo) or serve until stopped.</summary>
    private static readonly string[] s_long = ["bench", "quickstart", "serve"];

    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-fuzz-").FullName;
    private readonly List<string> _paths = [];

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HF_HOME", null);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", null);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void EveryCommand_RandomArgumentsAndBrokenInputs_ExitZeroOneOrTwo_NeverThrow()
    {
        // No network: the hub is a closed port on 127.0.0.1, the cache an empty folder.
        int closed = ClosedPort();
        Environment.SetEnvironmentVariable("HF_HOME", Path.Combine(_dir, "hf"));
        Environment.SetEnvironmentVariable("HF_ENDPOINT", $"http://127.0.0.1:{closed}");
        MakeInputs();
        var commands = new List<(string[] Path, Command Command)>();
        Leaves(Cli.CreateRoot(new CliContext(TextWriter.Null, TextWriter.Null, false, TextReader.Null)), [], commands);
        Assert.Contains(commands, c => c.Path.SequenceEqual(["rerank"]));

        int seed = Environment.TickCount;
        var random = new Random(seed);
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        int runs = 0;
        // Each command at least twice, then random ones until the time is up.
        var order = commands.Concat(commands).ToList();
        while ((runs < order.Count || clock.Elapsed < TimeSpan.FromSeconds(20)) && runs < 600 && failures.Count < 5)
        {
            (string[] path, Command command) = runs < order.Count ? order[runs] : commands[random.Next(commands.Count)];
            string[] args = [.. path, .. Arguments(command, random, closed)];
            runs++;
            var o = new StringWriter();
            var e = new StringWriter();
            try
            {
                int code = Cli.Run(args, new CliContext(o, e, false, new StringReader("some text for stdin")));
                if (code is not (0 or 1 or 2))
                {
                    failures.Add($"exit {code}: lodestar {string.Join(' ', args)}\n{e}");
                }
                else if (e.ToString().Contains("   at ", StringComparison.Ordinal))
                {
                    failures.Add($"stack trace: lodestar {string.Join(' ', args)}\n{e}");
                }
            }
            catch (Exception ex)
            {
                failures.Add($"unhandled {ex.GetType().Name}: lodestar {string.Join(' ', args)}\n{ex}");
            }
        }

        Assert.True(failures.Count == 0, $"seed {seed}, {runs} runs:\n" + string.Join("\n\n", failures));
        Assert.True(runs >= 2 * commands.Count);
    }

    private static void Leaves(Command command, string[] path, List<(string[], Command)> leaves)
    {
        foreach (Command sub in command.Subcommands)
        {
            string[] subPath = [.. path, sub.Name];
            if (s_long.Contains(sub.Name))
            {
                continue;
            }

            if (sub.Subcommands.Count == 0)
            {
                leaves.Add((subPath, sub));
            }
            else
            {
                Leaves(sub, subPath, leaves);
            }
        }
    }

    private IEnumerable<string> Arguments(Command command, Random random, int closed)
    {
        var args = new List<string>();
        foreach (Argument argument in command.Arguments)
        {
            int count = argument.Arity.MaximumNumberOfValues > 1 ? random.Next(argument.Arity.MinimumNumberOfValues, 4) : 1;
            for (int i = 0; i < count; i++)
            {
                args.Add(Value(argument.ValueType, argument.Name, random, closed));
            }
        }

        foreach (Option option in command.Options)
        {
            if (option.Name is "--help" or "-h" or "-?" or "--version" || (!option.Required && random.NextDouble() < 0.6))
            {
                continue;
            }

            Type t = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (t == typeof(bool))
            {
                args.Add(option.Name);
                if (random.NextDouble() < 0.2)
                {
                    args.Add(random.NextDouble() < 0.5 ? "true" : "maybe");
                }

                continue;
            }

            args.Add(option.Name);
            args.Add(Value(option.ValueType, option.Name, random, closed));
        }

        return args;
    }

    private string Value(Type type, string name, Random random, int closed)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsArray)
        {
            t = t.GetElementType()!;
        }

        if (t == typeof(int) || t == typeof(long))
        {
            return Pick(random, "-1", "0", "1", "3", "2147483647", "-2147483648", "99999999999", "ten", "");
        }

        if (t == typeof(double))
        {
            return Pick(random, "-1", "0", "0.5", "1", "1e308", "NaN", "x");
        }

        if (t.IsEnum)
        {
            string[] names = Enum.GetNames(t);
            return random.NextDouble() < 0.8 ? names[random.Next(names.Length)].ToLowerInvariant() : "bogus";
        }

        if (name.Contains("endpoint", StringComparison.Ordinal) || name.Contains("url", StringComparison.Ordinal))
        {
            return Pick(random, "notaurl", "ftp://127.0.0.1/", $"http://127.0.0.1:{closed}");
        }

        return random.NextDouble() < 0.85 ? _paths[random.Next(_paths.Count)] : Pick(random, "", "-", "all", "biology", "100@1,30@16", "first-stage=2", "1,1", "x:y", "hf:a/b/c.gguf", "ndcg_cut.10");
    }

    private static string Pick(Random random, params string[] values) => values[random.Next(values.Length)];

    /// <summary>Valid inputs of every kind, and broken copies of each: truncated, corrupted, empty.</summary>
    private void MakeInputs()
    {
        string corpus = Write("corpus.jsonl", "{\"_id\":\"d1\",\"text\":\"moths fly to lamps\"}\n{\"_id\":\"d2\",\"title\":\"Tax\",\"text\":\"tax law\"}\n{\"_id\":\"d3\",\"text\":\"light and insects\"}\n");
        string topics = Write("topics.tsv", "q1\tmoths lamps\nq2\ttax\n");
        Write("queries.jsonl", "{\"_id\":\"q1\",\"text\":\"moths lamps\"}\n{\"_id\":\"q2\",\"text\":\"tax\"}\n");
        Write("qrels.txt", "q1 0 d1 1\nq2 0 d2 2\n");
        Write("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
        Write("run.txt", "q1 Q0 d1 1 2.5 r\nq1 Q0 d3 2 1.5 r\nq2 Q0 d2 1 3.0 r\n");
        Write("run.json", "{\"q1\":{\"d1\":2.5,\"d3\":1.5},\"q2\":{\"d2\":3.0}}");
        Write("regression.yaml", "name: x\ncorpus: corpus.jsonl\n");
        string index = Path.Combine(_dir, "index");
        Assert.Equal(0, Cli.Run(["index", corpus, "-o", index], new CliContext(TextWriter.Null, TextWriter.Null, false, TextReader.Null)));
        _paths.Add(index);
        _ = topics;

        var random = new Random(5);
        foreach (string file in _paths.Where(File.Exists).ToList())
        {
            byte[] bytes = File.ReadAllBytes(file);
            string name = Path.GetFileName(file);
            Write("truncated-" + name, bytes[..(bytes.Length / 2)]);
            byte[] flipped = [.. bytes];
            for (int i = 0; i < 3; i++)
            {
                flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            }

            Write("flipped-" + name, flipped);
        }

        // An index with one file corrupted, and one with a file missing.
        string broken = Path.Combine(_dir, "broken-index");
        CopyDirectory(index, broken);
        string postings = Path.Combine(broken, "postings.bin");
        byte[] p = File.ReadAllBytes(postings);
        p[p.Length / 2] ^= 0xFF;
        File.WriteAllBytes(postings, p);
        _paths.Add(broken);
        string partial = Path.Combine(_dir, "partial-index");
        CopyDirectory(index, partial);
        File.Delete(Path.Combine(partial, "docids.bin"));
        _paths.Add(partial);

        Write("empty.txt", "");
        Write("binary.bin", [0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x7f]); // a gzip header and nothing else
        Write("not-sqlite.db", "this is text, not a SQLite database, and it is long enough to have a header\n");
        _paths.Add(Directory.CreateDirectory(Path.Combine(_dir, "a-folder")).FullName);
        _paths.Add(Path.Combine(_dir, "missing.txt"));
        _paths.Add(Path.Combine(_dir, "missing-folder", "out.txt"));
        _paths.Add(Path.Combine(corpus, "under-a-file.txt")); // an output whose folder is a file
        _paths.Add("/proc/lodestar-fuzz-out.txt"); // a file system that refuses writes
        _paths.Add(Path.Combine(_dir, "out.txt"));
        _paths.Add(Path.Combine(_dir, "out.json"));
        _paths.Add(Path.Combine(_dir, "new-index"));
    }

    private string Write(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        _paths.Add(path);
        return path;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
