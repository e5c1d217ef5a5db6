using System.CommandLine;
using System.Diagnostics;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar search INDEX --topics FILE -o RUN</c>: BM25 retrieval for a topic file.</summary>
internal static class SearchCommand
{
    public static Command Create(CliContext context)
    {
        var index = new Argument<string>("index") { Description = "Index directory." };
        var topics = new Option<string>("--topics") { Description = "Topics: BEIR queries.jsonl, BRIGHT examples (excluded_ids honoured), {\"id\",\"tokens\"} JSONL, or id<TAB>text.", Required = true };
        var k = new Option<int>("--k") { Description = "Hits per topic.", DefaultValueFactory = _ => 1000 };
        var threads = new Option<int>("--threads") { Description = "Topics searched in parallel; 0 = one per core.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Run file: .json writes BRIGHT's {qid:{docid:score}}, anything else a TREC run.", Required = true };
        var bm25 = new Bm25Options();
        var command = new Command("search", "Retrieve the top k documents per topic with BM25.") { index, topics, k, threads, output };
        bm25.AddTo(command);
        command.SetAction(parse =>
        {
            Bm25Parameters parameters = bm25.Read(parse);
            List<Topic> list = TopicReader.Read(parse.GetValue(topics)!);
            using IndexReader reader = IndexReader.Open(parse.GetValue(index)!);
            var searcher = new Searcher(reader, parameters);
            var clock = Stopwatch.StartNew();
            Run run = context.WithProgress("searching", "topics", report =>
                searcher.Search(list, parse.GetValue(k), parse.GetValue(threads), new Progress<int>(done => report(done, list.Count))));
            double seconds = clock.Elapsed.TotalSeconds;
            string path = parse.GetValue(output)!;
            WriteRun(path, run);
            context.Error.WriteLine($"searched {list.Count:N0} topics in {seconds:F2} s ({list.Count / Math.Max(seconds, 1e-9):N0} topics/s), bm25 {parameters.Mode.ToString().ToLowerInvariant()} k1={parameters.K1} b={parameters.B}; wrote {path}");
            return 0;
        });
        return command;
    }

    /// <summary>Writes BRIGHT JSON for <c>.json</c>, else a TREC run.</summary>
    public static void WriteRun(string path, Run run)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            BrightScoreFormat.Write(path, run);
        }
        else
        {
            TrecRunFormat.Write(path, run);
        }
    }
}
