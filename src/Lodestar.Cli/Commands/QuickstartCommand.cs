using System.CommandLine;
using Lodestar.Cli.Options;
using System.Diagnostics;
using Lodestar.Dense;
using Lodestar.Hub;
using Lodestar.Llm.Engine;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar quickstart</c>: the whole system on Cranfield (shipped in the repository): BM25 in BRIGHT's and
/// Anserini's modes, and, when a GGUF model is in the cache (or given), dense, hybrid and Retro*-reranked runs on
/// the embedded engine; then the evaluation table with significance tests and the HTML report.
/// </summary>
internal static class QuickstartCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string?>("--data") { Description = "Cranfield in BEIR layout (default: data/cranfield of this repository, else the copy shipped with the tool)." };
        var output = new Option<string>("--output", "-o") { Description = "Where the index, runs and report go.", DefaultValueFactory = _ => "out/quickstart" };
        var gguf = new Option<string?>("--gguf") { Description = "GGUF model for the dense and rerank stages (default: the first .gguf in the model cache)." };
        var rerankTopics = new Option<int>("--rerank-topics") { Description = "Topics reranked by the embedded model (it is slow on a CPU).", DefaultValueFactory = _ => 10 }.Range(1, 1000);
        var command = new Command("quickstart", "Index, search, rerank and evaluate Cranfield end to end; prints the table and writes an HTML report.")
        {
            data, output, gguf, rerankTopics,
        };
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            string cranfield = parse.GetValue(data) ?? FindCranfield()
                ?? throw new ArgumentException("Cranfield not found: run from the repository, or give --data DIR (corpus.jsonl.gz, queries.jsonl, qrels/test.tsv)");
            string corpus = Path.Combine(cranfield, "corpus.jsonl.gz"), queries = Path.Combine(cranfield, "queries.jsonl"), qrels = Path.Combine(cranfield, "qrels", "test.tsv");
            string outDir = parse.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            string index = Path.Combine(outDir, "index");
            Step(context, "index", corpus, "-o", index, "--overwrite");
            var runs = new List<string> { Path.Combine(outDir, "run.bm25-bright.txt"), Path.Combine(outDir, "run.bm25-lucene.txt") };
            Step(context, "search", index, "--topics", queries, "-o", runs[0]);
            Step(context, "search", index, "--topics", queries, "--bm25", "lucene", "-o", runs[1]);

            string? model = parse.GetValue(gguf) ?? HubCache.List().Select(f => f.Reference).FirstOrDefault(r => r.Split('@')[0].EndsWith(".gguf", StringComparison.OrdinalIgnoreCase));
            string? library = model is null ? null : LibraryOrNull();
            string? reranked = null;
            if (model is null || library is null)
            {
                context.Error.WriteLine(model is null
                    ? "quickstart: no GGUF model in the cache; `lodestar models pull hf:OWNER/REPO/FILE.gguf` (an embedding or chat model) adds dense, hybrid and Retro*-reranked runs"
                    : "quickstart: llama.cpp's library is not installed; `bash scripts/setup-llama.sh` adds dense, hybrid and Retro*-reranked runs");
            }
            else
            {
                string reference = model.Contains('@', StringComparison.Ordinal) && model.StartsWith("hf:", StringComparison.Ordinal) ? model[..model.LastIndexOf('@')] : model;
                context.Error.WriteLine($"quickstart: embedded stages with {reference}");
                string dense = Path.Combine(outDir, "dense"); // beside the index, so that re-indexing keeps it
                if (!File.Exists(Path.Combine(dense, VectorIndexHeader.FileName)))
                {
                    Step(context, "embed", corpus, "-o", dense, "--gguf", reference);
                }

                runs.Add(Path.Combine(outDir, "run.dense.txt"));
                Step(context, "search", index, "--topics", queries, "--mode", "dense", "--dense-index", dense, "--gguf", reference, "-o", runs[^1]);
                runs.Add(Path.Combine(outDir, "run.hybrid.txt"));
                Step(context, "search", index, "--topics", queries, "--mode", "hybrid", "--dense-index", dense, "--gguf", reference, "--fusion", "rrf", "-o", runs[^1]);
                string topics = Path.Combine(outDir, "rerank-topics.jsonl");
                File.WriteAllLines(topics, File.ReadLines(queries).Where(l => l.Trim().Length > 0).Take(parse.GetValue(rerankTopics)));
                reranked = Path.Combine(outDir, "run.rerank.txt");
                Step(context, "rerank", "--index", index, "--topics", topics, "--run", runs[0], "--gguf", reference, "--top", "10", "--max-new-tokens", "256",
                    "--context", "4096", "-o", reranked);
            }

            string html = Path.Combine(outDir, "report.html");
            string[] measures = ["-m", "nDCG@10", "-m", "MAP", "-m", "Recall@100", "-m", "P@10", "-m", "MRR"];
            Step(context, ["eval", qrels, .. runs, .. measures, "--compare", "--html", html]);
            if (reranked is not null)
            {
                context.Out.WriteLine();
                context.Out.WriteLine($"Retro* on the embedded engine, top 10 of BM25 for the first {parse.GetValue(rerankTopics)} topics (their topics only):");
                Step(context, ["eval", qrels, runs[0], reranked, .. measures, "--compare"]);
            }

            context.Error.WriteLine($"quickstart: done in {clock.Elapsed.TotalSeconds:F1} s; report {html}");
            return 0;
        });
        return command;
    }

    private static void Step(CliContext context, params string[] args)
    {
        int code = Cli.Run(args, context);
        if (code != 0)
        {
            throw new InvalidOperationException($"quickstart: `lodestar {string.Join(' ', args)}` failed (exit {code})");
        }
    }

    private static string? LibraryOrNull()
    {
        try
        {
            return LlamaLibrary.Locate(null).Folder;
        }
        catch (LlamaException)
        {
            return null;
        }
    }

    /// <summary>data/cranfield of the repository around the current folder, else the copy shipped beside the tool.</summary>
    internal static string? FindCranfield()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", "cranfield");
                if (File.Exists(Path.Combine(candidate, "corpus.jsonl.gz")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
