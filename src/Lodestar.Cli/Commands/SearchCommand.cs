using System.CommandLine;
using Lodestar.Cli.Options;
using System.Diagnostics;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;
using Lodestar.Dense;
using Lodestar.Fusion;
using Lodestar.Llm.Embedding;

namespace Lodestar.Cli.Commands;

/// <summary>First-stage retrieval modes.</summary>
internal enum RetrievalMode
{
    /// <summary>BM25 over the inverted index.</summary>
    Bm25,

    /// <summary>Flat inner-product search over a vector index.</summary>
    Dense,

    /// <summary>Both, fused.</summary>
    Hybrid,
}

/// <summary><c>lodestar search INDEX --topics FILE -o RUN</c>: BM25, dense or hybrid retrieval for a topic file.</summary>
internal static class SearchCommand
{
    public static Command Create(CliContext context)
    {
        var index = new Argument<string>("index") { Description = "Index directory." };
        var topics = new Option<string>("--topics") { Description = "Topics: BEIR queries.jsonl, BRIGHT examples (excluded_ids honoured), {\"id\",\"tokens\"} JSONL, or id<TAB>text.", Required = true };
        var k = new Option<int>("--k") { Description = "Hits per topic.", DefaultValueFactory = _ => 1000 }.Range(1, 10_000_000);
        var threads = new Option<int>("--threads") { Description = "Topics searched in parallel; 0 = one per core.", DefaultValueFactory = _ => 0 }.Range(0, 1024);
        var output = new Option<string>("--output", "-o") { Description = "Run file: .json writes BRIGHT's {qid:{docid:score}}, anything else a TREC run.", Required = true };
        var mode = new Option<RetrievalMode>("--mode") { Description = "bm25, dense (a vector index and an embedding model), or hybrid (both, fused).", DefaultValueFactory = _ => RetrievalMode.Bm25 };
        var denseIndex = new Option<string?>("--dense-index") { Description = "Vector index (default: INDEX/dense, or INDEX itself when it is one)." };
        var precision = new Option<Precision>("--precision") { Description = "Dense scan: float32 (exact) or int8 (rescored in float32).", DefaultValueFactory = _ => Precision.Float32 };
        var fusion = new Option<FusionMethod>("--fusion") { Description = "Hybrid: rrf, minmax or zscore.", DefaultValueFactory = _ => FusionMethod.Rrf };
        var weights = new Option<string>("--weights") { Description = "Hybrid: BM25,DENSE weights.", DefaultValueFactory = _ => "1,1" };
        var depth = new Option<int>("--depth") { Description = "Hybrid: hits per run before fusion (0 = k).", DefaultValueFactory = _ => 0 }.Range(0, 10_000_000);
        var bm25 = new Bm25Options();
        var embedder = new EmbedderOptions();
        var command = new Command("search", "Retrieve the top k documents per topic: BM25, dense, or hybrid.") { index, topics, k, threads, output, mode, denseIndex, precision, fusion, weights, depth };
        bm25.AddTo(command);
        embedder.AddTo(command);
        command.SetAction(parse =>
        {
#if LODESTAR_CORE
            if (parse.GetValue(mode) != RetrievalMode.Bm25)
            {
                // Dense and hybrid search embed the queries with a model: the core executable links no model layer.
                throw new FullExecutable.HandOverException();
            }

#endif
            Bm25Parameters parameters = bm25.Read(parse);
            AtomicFile.CheckTarget(parse.GetValue(output)!);
            List<Topic> list = TopicReader.Read(parse.GetValue(topics)!);
            string root = parse.GetValue(index)!;
            RetrievalMode m = parse.GetValue(mode);
            int hits = parse.GetValue(k), pool = parse.GetValue(depth) > 0 ? parse.GetValue(depth) : hits;
            var clock = Stopwatch.StartNew();
            Run? sparse = null, denseRun = null;
            if (m != RetrievalMode.Dense)
            {
                using IndexReader reader = IndexReader.Open(root);
                var searcher = new Searcher(reader, parameters);
                sparse = context.WithProgress("bm25", "topics", report =>
                    searcher.Search(list, m == RetrievalMode.Hybrid ? pool : hits, parse.GetValue(threads), new Reporter(done => report(done, list.Count))));
            }

#if !LODESTAR_CORE
            if (m != RetrievalMode.Bm25)
            {
                string vectors = parse.GetValue(denseIndex) ?? (File.Exists(Path.Combine(root, VectorIndexHeader.FileName)) ? root : Path.Combine(root, "dense"));
                using VectorIndex vectorIndex = VectorIndex.Open(vectors);
                EmbeddingProfile profile = embedder.ReadProfile(parse);
                using IEmbedder e = embedder.Open(parse, context, profile);
                denseRun = context.WithProgress("dense", "topics", report =>
                    DenseRetriever.SearchAsync(vectorIndex, e, profile, list, m == RetrievalMode.Hybrid ? pool : hits, parse.GetValue(precision),
                        new Progress<int>(done => report(done, list.Count))).GetAwaiter().GetResult());
            }
#endif

            Run run = m switch
            {
                RetrievalMode.Bm25 => sparse!,
                RetrievalMode.Dense => denseRun!,
                _ => RunFusion.Fuse([(sparse!, Weight(parse.GetValue(weights)!, 0)), (denseRun!, Weight(parse.GetValue(weights)!, 1))], parse.GetValue(fusion), hits,
                    name: $"hybrid-{parse.GetValue(fusion).ToString().ToLowerInvariant()}"),
            };
            double seconds = clock.Elapsed.TotalSeconds;
            string path = parse.GetValue(output)!;
            WriteRun(path, run);
            string how = m switch
            {
                RetrievalMode.Bm25 => $"bm25 {parameters.Mode.ToString().ToLowerInvariant()} k1={parameters.K1} b={parameters.B}",
                RetrievalMode.Dense => $"dense {parse.GetValue(precision).ToString().ToLowerInvariant()}"
                    + (parse.GetValue(precision) == Precision.Int8 ? $" (kernel: {Int8BatchKernel.Describe()})" : ""),
                _ => $"hybrid {parse.GetValue(fusion).ToString().ToLowerInvariant()} weights {parse.GetValue(weights)} depth {pool}",
            };
            context.Error.WriteLine($"searched {list.Count:N0} topics in {seconds:F2} s ({list.Count / Math.Max(seconds, 1e-9):N0} topics/s), {how}; wrote {path}");
            return 0;
        });
        return command;
    }

    private static double Weight(string spec, int i)
    {
        string[] parts = spec.Split(',');
        return parts.Length == 2 && double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double w) && w >= 0
            ? w : throw new ArgumentException($"bad --weights '{spec}', expected BM25,DENSE such as 0.5,0.5");
    }

    /// <summary>Reports on the searching thread (<see cref="Progress{T}"/> would post each report to the thread pool,
    /// starting its workers for a one-query search that otherwise never needs them; the bar is thread-safe).</summary>
    private sealed class Reporter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    /// <summary>Writes BRIGHT JSON for <c>.json</c>, else a TREC run: atomically, without waiting for the disk.</summary>
    /// <remarks>The runs the commands write (search, rerank, fuse) are rebuilt exactly by running the command again
    /// (a rerank from its judgment store, which is durable, with no LLM call), so they are renamed into place without
    /// an fsync (docs/decisions/atomic-writes.md). The pipelines, which take an existing run file as a finished step,
    /// keep the fsync.</remarks>
    public static void WriteRun(string path, Run run)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            BrightScoreFormat.Write(path, run, flushToDisk: false);
        }
        else
        {
            TrecRunFormat.Write(path, run, flushToDisk: false);
        }
    }
}
