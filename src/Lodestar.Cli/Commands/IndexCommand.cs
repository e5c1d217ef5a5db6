using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Index;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar index CORPUS -o INDEX</c>: builds a BM25 index; <c>lodestar index check INDEX</c> verifies one.</summary>
internal static class IndexCommand
{
    public static Command Create(CliContext context)
    {
        var corpus = new Argument<string>("corpus") { Description = "Corpus JSONL (BEIR, BRIGHT, Pyserini or {\"id\",\"tokens\"}), plain or .gz." };
        var output = new Option<string>("--output", "-o") { Description = "Index directory to create.", Required = true };
        var analyzer = new Option<string>("--analyzer") { Description = "english (Lucene EnglishAnalyzer) or pretokenized (the corpus' tokens as given).", DefaultValueFactory = _ => "english" };
        analyzer.AcceptOnlyFromAmong("english", "pretokenized");
        var threads = new Option<int>("--threads") { Description = "Worker threads that parse and analyze; 0 = cores - 1 (the writer, which also helps when they fall behind, takes the last core).", DefaultValueFactory = _ => 0 }.Range(0, 1024);
        var memory = new Option<int>("--memory") { Description = "Postings kept in memory before spilling a sorted run, in MiB.", DefaultValueFactory = _ => 16 }.Range(16, 1_048_576);
        var empty = new Option<EmptyDocumentPolicy>("--empty") { Description = "Documents with no terms: keep (count in N, as BRIGHT), skip, or error.", DefaultValueFactory = _ => EmptyDocumentPolicy.Keep };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing index at the output path." };
        var dense = new Option<string?>("--dense") { Description = "Also build a vector index in INDEX/dense with MODEL: a .gguf or hf:… (embedded), or the server's model with --embed-endpoint." };
        var denseOptions = new DenseBuildOptions();
        var command = new Command("index", "Build a BM25 index from a corpus, and with --dense a vector index beside it.") { corpus, output, analyzer, threads, memory, empty, overwrite, dense };
        denseOptions.AddTo(command, withOverwrite: false, withModel: false);
        command.Subcommands.Add(CreateCheck(context));
        command.SetAction(parse =>
        {
#if LODESTAR_CORE
            if (parse.GetValue(dense) is not null)
            {
                // A vector index embeds the corpus with a model: the core executable links no model layer.
                throw new FullExecutable.HandOverException();
            }

#endif
            string path = parse.GetValue(corpus)!;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            IndexBuildSummary summary = context.WithProgress("indexing", "MB", (Action<double, double, string?> report) =>
                IndexWriter.Build(path, parse.GetValue(output)!, new IndexBuildOptions
                {
                    Analyzer = parse.GetValue(analyzer)!,
                    Threads = parse.GetValue(threads),
                    MemoryBudgetBytes = (long)parse.GetValue(memory) << 20,
                    EmptyDocuments = parse.GetValue(empty),
                    Overwrite = parse.GetValue(overwrite),
                    // The bar counts megabytes of the corpus (its size is known up front); documents and their rate go in the text.
                    Progress = new Progress<IndexProgress>(p => report(p.BytesRead / 1e6, p.TotalBytes / 1e6,
                        $"indexing: {p.Documents:N0} docs, {p.Documents / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0} docs/s")),
                }));
            context.Error.WriteLine(
                $"indexed {summary.Documents:N0} documents, {summary.Tokens:N0} terms ({summary.Terms:N0} distinct) in {summary.Seconds:F1} s " +
                $"({summary.Tokens / Math.Max(summary.Seconds, 1e-9):N0} terms/s); {summary.IndexBytes / 1048576.0:F1} MiB on disk" +
                (summary.EmptyDocuments > 0 ? $"; {summary.EmptyDocuments} empty documents {(parse.GetValue(empty) == EmptyDocumentPolicy.Skip ? "skipped" : "kept")}" : "") +
                (summary.SpilledRuns > 0 ? $"; {summary.SpilledRuns} runs spilled" : ""));
#if !LODESTAR_CORE
            if (parse.GetValue(dense) is string model)
            {
                denseOptions.Build(parse, context, path, Path.Combine(parse.GetValue(output)!, "dense"), overwrite: true, model: model);
            }
#endif

            return 0;
        });
        return command;
    }

    /// <summary><c>lodestar index check INDEX</c>: every block of every file against its CRC-32C and the files'
    /// cross-references (opening and searching check only the blocks they read).</summary>
    private static Command CreateCheck(CliContext context)
    {
        var index = new Argument<string>("index") { Description = "The index directory." };
        var command = new Command("check", "Verify every byte of an index against its checksums (search checks only the blocks it reads).") { index };
        command.SetAction(parse =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using IndexReader reader = IndexReader.Open(parse.GetValue(index)!);
            reader.Verify();
            long bytes = IndexReader.DataFiles.Sum(f => reader.Header.Files[f].Bytes);
            context.Out.WriteLine($"ok: {reader.Header.DocumentCount:N0} documents, {reader.Header.TermCount:N0} terms, {bytes / 1048576.0:F1} MiB checked in {clock.Elapsed.TotalSeconds:F2} s");
            return 0;
        });
        return command;
    }
}
