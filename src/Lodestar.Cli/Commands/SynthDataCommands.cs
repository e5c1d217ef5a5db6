using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Synthesis;
using Lodestar.Synthesis.Data;
using Lodestar.Synthesis.Report;

namespace Lodestar.Cli.Commands;

/// <summary>The <c>synth</c> stages after the search: queries, negatives, export, doc2query, report.</summary>
internal static class SynthDataCommands
{
    private static string Version => $"lodestar {typeof(SynthDataCommands).Assembly.GetName().Version}";

    public static Command Queries(CliContext context)
    {
        var input = new Option<string>("--input") { Description = "Folder of synth mcts (reads pairs.jsonl and documents.jsonl; writes queries.jsonl).", Required = true };
        var tries = new Option<int>("--max-tries") { Description = "Samples tried for a q_llmq that does not name the theorem.", DefaultValueFactory = _ => 3 }.Range(1, 1_000_000_000);
        var model = new SynthModelOptions();
        var command = new Command("queries", "Write RaDeR's query kinds per kept pair: q_mcts, q_llmq (must not name the theorem), q_CoT, q_question, q_lexical.") { input, tries };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(input)!;
            (var client, var store, SynthChat chat) = model.Open(parse, context, Path.Combine(folder, "synth.db"));
            using (client)
            using (store)
            {
                var kinds = new QueryKinds(chat, parse.GetValue(tries));
                int n = kinds.RunAsync(folder, CancellationToken.None).GetAwaiter().GetResult();
                context.Error.WriteLine($"queries: {n} written ({Describe(kinds.Counts)}); unparseable {Describe(chat.Unparseable)}; {chat.Calls} calls, {chat.TokensSpent:N0} new tokens" +
                    BudgetNote(kinds.BudgetStopped, chat));
                context.Error.WriteLine($"wrote {Path.Combine(folder, SynthFolder.Queries)}");
                return 0;
            }
        });
        return command;
    }

    public static Command Negatives(CliContext context)
    {
        var input = new Option<string>("--input") { Description = "Synthesis folder (reads queries.jsonl, else pairs.jsonl; writes negatives.jsonl).", Required = true };
        var index = new Option<string>("--index") { Description = "Lodestar index of the documents.", Required = true };
        var from = new Option<int>("--bm25-from") { Description = "First BM25 rank drawn from.", DefaultValueFactory = _ => 30 }.Range(1, 1_000_000_000);
        var to = new Option<int>("--bm25-to") { Description = "Last BM25 rank drawn from.", DefaultValueFactory = _ => 50 }.Range(1, 1_000_000_000);
        var count = new Option<int>("--count") { Description = "Negatives mined per query.", DefaultValueFactory = _ => 10 }.Range(1, 1_000_000_000);
        var denseTop = new Option<int>("--dense-top") { Description = "Top ranks of the dense retriever drawn from (with --embed-endpoint or --embed-gguf).", DefaultValueFactory = _ => 10 }.Range(1, 1_000_000_000);
        var threshold = new Option<int?>("--relabel-threshold") { Description = "Score each candidate with the Retro* prompt (needs --endpoint/--gguf) and drop those scoring at least this (0-100)." }.Range(0, 100);
        var model = new SynthModelOptions();
        var dense = new SynthDenseOptions(model);
        var command = new Command("negatives", "Mine hard negatives per query: BM25 ranks 30-50 and (with an embedder) the dense top 10, positives and duplicates excluded, optionally relabelled by Retro*.")
        {
            input, index, from, to, denseTop, count, threshold,
        };
        model.AddTo(command);
        dense.AddTo(command);
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(input)!;
            using IndexReader reader = IndexReader.Open(parse.GetValue(index)!);
            var bm25 = new Bm25DocumentRetriever(reader);
            using SynthDenseOptions.Opened? vectors = dense.Given(parse) ? dense.Open(parse, context, parse.GetValue(index)!, bm25, hybrid: false) : null;
            IDisposable? client = null, store = null;
            (SynthChat, int)? relabel = null;
            if (parse.GetValue(threshold) is int t)
            {
                (var c, var s, SynthChat chat) = model.Open(parse, context, Path.Combine(folder, "synth.db"));
                (client, store, relabel) = (c, s, (chat, t));
            }

            try
            {
                var miner = new NegativeMiner(bm25, vectors?.Retriever)
                {
                    From = parse.GetValue(from),
                    To = parse.GetValue(to),
                    SecondTop = parse.GetValue(denseTop),
                    Count = parse.GetValue(count),
                    Relabel = relabel,
                };
                int n = miner.RunAsync(folder, CancellationToken.None).GetAwaiter().GetResult();
                context.Error.WriteLine($"negatives: {n} queries ({Describe(miner.Counts)})" + (relabel is { } r ? $"; unparseable {Describe(r.Item1.Unparseable)}" + BudgetNote(miner.BudgetStopped, r.Item1) : ""));
                context.Error.WriteLine($"wrote {Path.Combine(folder, SynthFolder.Negatives)}");
                return 0;
            }
            finally
            {
                store?.Dispose();
                client?.Dispose();
            }
        });
        return command;
    }

    public static Command Export(CliContext context)
    {
        var input = new Option<string>("--input") { Description = "Synthesis folder (negatives.jsonl, else queries.jsonl, else pairs.jsonl).", Required = true };
        var format = new Option<TevatronFormat>("--format") { Description = "tevatron (positive_passages/negative_passages) or tevatron2 (document ids + corpus.jsonl).", DefaultValueFactory = _ => TevatronFormat.Tevatron };
        var output = new Option<string>("--output", "-o") { Description = "Folder for train.jsonl (corpus.jsonl) and README.md (dataset card).", Required = true };
        var command = new Command("export", "Export the training data for Tevatron, with a dataset card.") { input, format, output };
        command.SetAction(parse =>
        {
            var (kinds, noPos, noNeg) = TevatronExport.Run(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(format), Version);
            context.Error.WriteLine($"export: {kinds.Values.Sum()} queries ({Describe(kinds)}); left out: {noPos} without a positive, {noNeg} without a negative");
            context.Error.WriteLine($"wrote {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    public static Command Doc2Query(CliContext context)
    {
        var corpus = new Option<string>("--corpus") { Description = "Corpus JSONL (BEIR/BRIGHT/Pyserini layouts).", Required = true };
        var limit = new Option<int>("--limit") { Description = "Only the first N documents; 0 = all.", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var overlap = new Option<double>("--max-overlap") { Description = "Largest share of the query's keywords found in the document.", DefaultValueFactory = _ => 0.5 }.Range(0.0, 1.0);
        var output = new Option<string>("--output", "-o") { Description = "Synthesis folder (queries.jsonl, documents.jsonl).", Required = true };
        var model = new SynthModelOptions();
        var command = new Command("doc2query", "Write a reasoning-intensive query per document (its idea, not its words), for negatives and export like MCTS pairs.") { corpus, limit, overlap, output };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(output)!;
            (var client, var store, SynthChat chat) = model.Open(parse, context, Path.Combine(folder, "synth.db"));
            using (client)
            using (store)
            {
                var d2q = new Synthesis.Data.Doc2Query(chat) { MaxOverlap = parse.GetValue(overlap) };
                int n = d2q.RunAsync(parse.GetValue(corpus)!, folder, parse.GetValue(limit), CancellationToken.None).GetAwaiter().GetResult();
                context.Error.WriteLine($"doc2query: {n} queries ({Describe(d2q.Counts)}); unparseable {Describe(chat.Unparseable)}; {chat.Calls} calls, {chat.TokensSpent:N0} new tokens" +
                    BudgetNote(d2q.BudgetStopped, chat));
                context.Error.WriteLine($"wrote {folder}");
                return 0;
            }
        });
        return command;
    }

    public static Command Report(CliContext context)
    {
        var folder = new Argument<string>("folder") { Description = "Synthesis folder." };
        var html = new Option<string?>("--html") { Description = "Also write an HTML report with the MCTS tree viewer." };
        var command = new Command("report", "Counts, query lengths and (HTML) an MCTS tree viewer of a synthesis folder.") { folder, html };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(folder)!;
            if (!Directory.Exists(dir))
            {
                throw new Errors.InputException(new Errors.SourcePosition(dir, 0, 0), "expected a synthesis folder, found none");
            }

            foreach ((string name, string value) in SynthReport.Counts(dir))
            {
                context.Out.WriteLine($"{name}\t{value}");
            }

            foreach (var l in SynthReport.Lengths(dir))
            {
                context.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"length {l.Kind}\tn {l.Count} min {l.Min} median {l.Median:F1} mean {l.Mean:F1} max {l.Max}"));
            }

            if (parse.GetValue(html) is string h)
            {
                AtomicFile.Write(h, s => s.Write(System.Text.Encoding.UTF8.GetBytes(SynthReport.Html(dir))));
                context.Error.WriteLine($"wrote {h}");
            }

            return 0;
        });
        return command;
    }

    private static string BudgetNote(bool stopped, SynthChat chat) => stopped
        ? $"; stopped at the token budget of {chat.BudgetTokens:N0} (rerun with a larger --budget-tokens to continue; nothing is asked twice)"
        : "";

    private static string Describe(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"));
}
