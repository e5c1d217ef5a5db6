using System.CommandLine;
using Lodestar.Cli.Options;
using System.Diagnostics;
using System.Numerics.Tensors;
using Lodestar.Formats;
using Lodestar.Llm.Embedding;
using Lodestar.Llm.Engine;
using Lodestar.Hub;
using Lodestar.Model;

namespace Lodestar.Cli.Commands.DenseBench;

/// <summary>
/// <c>lodestar bench dense</c>: flat search over N × D float32 vectors, batched and one query at a time, float32 and
/// int8, side by side with faiss <c>IndexFlatIP</c> on OpenBLAS with the same threads, passes interleaved; the
/// machine's streaming-read bandwidth measured in the same run; with <c>--gguf</c>, the embedded engine's embedding
/// throughput in tokens/s.
/// </summary>
/// <remarks>
/// Each pass runs Lodestar batched (float32, int8; where the native int8 kernel loaded, int8 also on the managed kernel,
/// the two orders alternating by pass, their results compared), faiss batched, then the first <c>--single-queries</c> queries one
/// at a time on each, the order of the two systems alternating by pass. Batched figures are seconds per query of a
/// pass (median over passes); single-query figures are the median over every timed query. Ratios are faiss time over
/// Lodestar time per pass, given as min and median. Only the search calls are timed; CPU seconds (all threads) are
/// given beside wall. The vectors are random unit vectors (seed 1), so the figures are about the scan, not retrieval.
/// </remarks>
internal static class DenseBench
{
    public static Command Create(CliContext context)
    {
        var count = new Option<int>("--count") { Description = "Vectors.", DefaultValueFactory = _ => 200_000 }.Range(1, 100_000_000);
        var dim = new Option<int>("--dim") { Description = "Dimensions.", DefaultValueFactory = _ => 384 }.Range(1, 65_536);
        var queries = new Option<int>("--queries") { Description = "Queries in a batched pass.", DefaultValueFactory = _ => 1000 }.Range(1, 100_000);
        var single = new Option<int>("--single-queries") { Description = "Queries timed one at a time per pass (the first of --queries).", DefaultValueFactory = _ => 50 }.Range(1, 100_000);
        var k = new Option<int>("--k") { Description = "Hits per query.", DefaultValueFactory = _ => 10 }.Range(1, 100_000);
        var passes = new Option<int>("--passes") { Description = "Timed passes per system, interleaved.", DefaultValueFactory = _ => 3 }.Range(1, 1000);
        var threads = new Option<int>("--threads") { Description = "Threads for Lodestar and faiss (OpenMP and OpenBLAS); 0: all cores.", DefaultValueFactory = _ => 0 }.Range(0, 1024);
        var work = new Option<string>("--work") { Description = "Scratch directory (the index is kept and reused).", DefaultValueFactory = _ => "out/bench/dense" };
        var python = new Option<string>("--python") { Description = "Python with python3-faiss.", DefaultValueFactory = _ => "/usr/bin/python3" };
        var peers = new Option<string>("--peers-script") { Description = "The faiss script.", DefaultValueFactory = _ => "bench/peers/faiss_flat.py" };
        var openBlas = new Option<string>("--openblas") { Description = "Directory put first on faiss's LD_LIBRARY_PATH (empty: leave it).", DefaultValueFactory = _ => "/usr/lib/x86_64-linux-gnu/openblas-pthread" };
        var core = new Option<string>("--openblas-core")
        {
            Description = "OPENBLAS_CORETYPE for faiss: auto picks SkylakeX (AVX-512 kernels) where AVX-512 is present, which OpenBLAS 0.3.21 does not detect on newer AMD cores; none leaves OpenBLAS to detect.",
            DefaultValueFactory = _ => "auto",
        };
        var anyBlas = new Option<bool>("--allow-any-blas") { Description = "Run faiss even when it did not map OpenBLAS (the table says which BLAS)." };
        var membw = new Option<string>("--membw") { Description = "Source of the C bandwidth probe (built with gcc -O3 -march=native -fopenmp).", DefaultValueFactory = _ => "bench/peers/membw.c" };
        var gguf = new Option<string?>("--gguf") { Description = "Also measure the embedded engine's embedding throughput with this model." };
        var texts = new Option<string>("--embed-corpus") { Description = "Texts for the embedding figure.", DefaultValueFactory = _ => "data/cranfield/corpus.jsonl.gz" };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file." };
        var command = new Command("dense", "Benchmark flat vector search (float32, int8; batched and one query at a time) against faiss IndexFlatIP on OpenBLAS and the memory bandwidth; int8 batched on the native and the managed kernel (LODESTAR_DENSE_KERNEL=managed: managed only).")
        {
            count, dim, queries, single, k, passes, threads, work, python, peers, openBlas, core, anyBlas, membw, gguf, texts, markdown,
        };
        command.SetAction(parse =>
        {
            var options = new DenseBenchOptions(parse.GetValue(count), parse.GetValue(dim), parse.GetValue(queries), parse.GetValue(single), parse.GetValue(k),
                parse.GetValue(passes), parse.GetValue(threads) > 0 ? parse.GetValue(threads) : Environment.ProcessorCount, parse.GetValue(work)!, parse.GetValue(python)!,
                parse.GetValue(peers)!, parse.GetValue(openBlas)!, OpenBlasCore(parse.GetValue(core)!), parse.GetValue(anyBlas), parse.GetValue(membw)!);
            List<string> table = DenseBenchRun.Run(context, options);
            if (parse.GetValue(gguf) is string model)
            {
                table.Add(Embedding(model, parse.GetValue(texts)!));
            }

            foreach (string line in table)
            {
                context.Out.WriteLine(line);
            }

            if (parse.GetValue(markdown) is string path)
            {
                AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', table) + "\n")));
            }

            return 0;
        });
        return command;
    }

    private static string? OpenBlasCore(string core) => core switch
    {
        "auto" => System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "SkylakeX" : null,
        "none" or "" => null,
        _ => core,
    };

    private static string Embedding(string gguf, string texts)
    {
        using LlamaModel model = LlamaModel.Load(ModelCache.Resolve(gguf));
        using var embedder = new LlamaEmbedder(model);
        string[] docs = [.. CorpusReader.Read(texts).Take(500).Select(d => d.Document.Text)];
        embedder.Embed(docs.Take(16).ToList());
        long before = embedder.TokensEmbedded;
        var clock = Stopwatch.StartNew();
        embedder.Embed(docs);
        double seconds = clock.Elapsed.TotalSeconds;
        long tokens = embedder.TokensEmbedded - before;
        return $"| lodestar embedded | {Path.GetFileName(model.Path)} ({model.Description}), {docs.Length} texts | {seconds / docs.Length * 1000:F2} per text | {tokens / seconds:N0} tokens/s |";
    }

    /// <summary>Fills <paramref name="v"/> with a Gaussian unit vector (Box-Muller).</summary>
    public static void Gaussian(Random random, float[] v)
    {
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
    }
}
