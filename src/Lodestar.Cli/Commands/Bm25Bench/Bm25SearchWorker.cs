using System.CommandLine;
using Lodestar.Cli.Options;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Cli.Commands.Bm25Bench;

/// <summary>
/// <c>lodestar bench bm25-search INDEX TOPICS</c> (hidden): the Lodestar side of the benchmark's search, run as its own
/// process so that it is measured exactly as the native peers are. It opens the index, runs the topics
/// <c>--passes</c> times and prints one JSON object with the open time and, per pass, the seconds and the p50/p99
/// per-query latency (the peers print the same shape). Nothing runs before the first pass, which is therefore cold.
/// </summary>
internal static class Bm25SearchWorker
{
    public static Command Create(CliContext context)
    {
        var index = new Argument<string>("index") { Description = "The index." };
        var topics = new Argument<string>("topics") { Description = "Pre-analyzed topics ({\"id\",\"tokens\"} JSONL)." };
        var k = new Option<int>("--k") { Description = "Hits per topic.", DefaultValueFactory = _ => 1000 }.Range(1, 1_000_000_000);
        var passes = new Option<int>("--passes") { Description = "Passes over the topics; the first is cold.", DefaultValueFactory = _ => 2 }.Range(1, 1_000_000_000);
        var threads = new Option<int>("--threads") { Description = "Search threads.", DefaultValueFactory = _ => 1 }.Range(0, 4096);
        var budget = new Option<double>("--budget") { Description = "Seconds after which a pass stops taking new topics (0: none).", DefaultValueFactory = _ => 0 }.Range(0.0, 1e9);
        var command = new Command("bm25-search", "Benchmark worker: time BM25 search passes in this process.") { index, topics, k, passes, threads, budget };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            context.Out.Write(Run(parse.GetValue(index)!, parse.GetValue(topics)!, parse.GetValue(k), parse.GetValue(passes), parse.GetValue(threads), parse.GetValue(budget)));
            return 0;
        });
        return command;
    }

    private static string Run(string indexPath, string topicsPath, int k, int passes, int threads, double budget)
    {
        List<Topic> topics = TopicReader.Read(topicsPath);
        var clock = Stopwatch.StartNew();
        using IndexReader reader = IndexReader.Open(indexPath);
        var searcher = new Searcher(reader, new Bm25Parameters(Bm25Mode.Bright));
        double openMs = clock.Elapsed.TotalMilliseconds;
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $"{{\"open_ms\":{openMs:F3},\"queries\":{topics.Count},\"passes\":[");
        long hits = 0;
        for (int p = 0; p < passes; p++)
        {
            double[] latency = new double[topics.Count];
            long passHits = 0;
            int next = -1, done = 0;
            long start = Stopwatch.GetTimestamp();
            Action<int> worker = _ =>
            {
                // topics taken in order; once the budget is spent no new topic starts, as in the peers
                for (int i; (i = Interlocked.Increment(ref next)) < topics.Count;)
                {
                    if (budget > 0 && Stopwatch.GetElapsedTime(start).TotalSeconds > budget)
                    {
                        break;
                    }

                    long t0 = Stopwatch.GetTimestamp();
                    List<Hit> result = searcher.Search(topics[i], k);
                    latency[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    Interlocked.Add(ref passHits, result.Count);
                    Interlocked.Increment(ref done);
                }
            };
            if (threads == 1)
            {
                worker(0); // on this thread: no thread pool to start, as a single-threaded peer starts none
            }
            else
            {
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker);
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            hits = passHits;
            latency = [.. latency.Where(l => l > 0)];
            Array.Sort(latency);
            json.Append(CultureInfo.InvariantCulture,
                $"{(p > 0 ? "," : "")}{{\"seconds\":{seconds:F6},\"p50_ms\":{Percentile(latency, 0.50) * 1000:F4},\"p99_ms\":{Percentile(latency, 0.99) * 1000:F4},\"queries\":{done}}}");
        }

        json.Append(CultureInfo.InvariantCulture, $"],\"hits\":{hits}}}\n");
        return json.ToString();
    }

    /// <summary>The nearest-rank percentile of sorted values (the peers compute it the same way).</summary>
    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];
}
