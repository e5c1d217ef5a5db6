using System.CommandLine;
using Lodestar.Cli.Options;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using Lodestar.Dense;
using Lodestar.Formats;
using Lodestar.Llm.Embedding;
using Lodestar.Llm.Engine;
using Lodestar.Hub;
using Lodestar.Model;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar bench dense</c>: flat search over N × D float32 vectors against the machine's memory bandwidth,
/// measured in the same run, int8 against float32, and faiss <c>IndexFlatIP</c> on the same vectors; with
/// <c>--gguf</c>, the embedded engine's embedding throughput in tokens/s.
/// </summary>
/// <remarks>
/// Bandwidth: the best of 5 parallel sums over a 1 GiB buffer (a pure streaming read). Scan rate: N·D·4 bytes per
/// query divided by the time of one query on all cores, best of <c>--passes</c>. The vectors are random unit vectors
/// (seed 1), so the figures are about the scan, not about retrieval quality.
/// </remarks>
internal static class DenseBench
{
    public static Command Create(CliContext context)
    {
        var count = new Option<int>("--count") { Description = "Vectors.", DefaultValueFactory = _ => 1_000_000 }.Range(1, 100_000_000);
        var dim = new Option<int>("--dim") { Description = "Dimensions.", DefaultValueFactory = _ => 384 }.Range(1, 65_536);
        var queries = new Option<int>("--queries") { Description = "Queries timed.", DefaultValueFactory = _ => 20 }.Range(1, 100_000);
        var k = new Option<int>("--k") { Description = "Hits per query.", DefaultValueFactory = _ => 10 }.Range(1, 100_000);
        var passes = new Option<int>("--passes") { Description = "Timed passes (the fastest counts).", DefaultValueFactory = _ => 3 }.Range(1, 1000);
        var work = new Option<string>("--work") { Description = "Scratch directory (the index is kept and reused).", DefaultValueFactory = _ => "out/bench/dense" };
        var python = new Option<string>("--python") { Description = "Python with python3-faiss.", DefaultValueFactory = _ => "/usr/bin/python3" };
        var peers = new Option<string>("--peers-script") { Description = "The faiss script.", DefaultValueFactory = _ => "bench/peers/faiss_flat.py" };
        var gguf = new Option<string?>("--gguf") { Description = "Also measure the embedded engine's embedding throughput with this model." };
        var texts = new Option<string>("--embed-corpus") { Description = "Texts for the embedding figure.", DefaultValueFactory = _ => "data/cranfield/corpus.jsonl.gz" };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file." };
        var command = new Command("dense", "Benchmark flat vector search (float32, int8) against memory bandwidth and faiss IndexFlatIP.")
        {
            count, dim, queries, k, passes, work, python, peers, gguf, texts, markdown,
        };
        command.SetAction(parse => Run(context, parse.GetValue(count), parse.GetValue(dim), parse.GetValue(queries), parse.GetValue(k), parse.GetValue(passes),
            parse.GetValue(work)!, parse.GetValue(python)!, parse.GetValue(peers)!, parse.GetValue(gguf), parse.GetValue(texts)!, parse.GetValue(markdown)));
        return command;
    }

    private static int Run(CliContext context, int count, int dim, int queryCount, int k, int passes, string work, string python, string peers,
        string? gguf, string texts, string? markdown)
    {
        Directory.CreateDirectory(work);
        string indexPath = Path.Combine(work, $"flat-{count}x{dim}");
        if (!File.Exists(Path.Combine(indexPath, VectorIndexHeader.FileName)))
        {
            context.Error.WriteLine($"writing {count:N0} x {dim} random unit vectors (seed 1) to {indexPath} ...");
            using var writer = new VectorIndexWriter(indexPath, dim, int8: true, overwrite: true);
            var random = new Random(1);
            var v = new float[dim];
            for (int i = 0; i < count; i++)
            {
                Gaussian(random, v);
                writer.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), v);
            }

            writer.Complete("random", "plain", "{query}");
        }

        var qRandom = new Random(2);
        float[][] qs = [.. Enumerable.Range(0, queryCount).Select(_ => { var q = new float[dim]; Gaussian(qRandom, q); return q; })];
        string queriesPath = Path.Combine(work, "queries.f32");
        File.WriteAllBytes(queriesPath, [.. qs.SelectMany(q => MemoryMarshal.AsBytes(q.AsSpan()).ToArray())]);

        (double bw1, double bw2) = (Bandwidth(1), Bandwidth(Environment.ProcessorCount));
        using VectorIndex index = VectorIndex.Open(indexPath, verify: false);
        double bytes = (double)count * dim * 4;
        double f32 = Time(passes, () => { foreach (float[] q in qs) { index.Search(q, k, Precision.Float32); } }) / qs.Length;
        double f32One = Time(passes, () => { foreach (float[] q in qs) { index.Search(q, k, Precision.Float32, threads: 1); } }) / qs.Length;
        double i8 = Time(passes, () => { foreach (float[] q in qs) { index.Search(q, k, Precision.Int8); } }) / qs.Length;
        double many = Time(passes, () => index.SearchMany(qs, k)) / qs.Length;
        var exact = qs.Select(q => index.Search(q, k).Select(h => h.Row).ToHashSet()).ToList();
        double recall = qs.Select((q, j) => index.Search(q, k, Precision.Int8).Count(h => exact[j].Contains(h.Row))).Sum() / (double)(k * qs.Length);

        var rows = new List<(string System, string Mode, double Seconds, string Note)>
        {
            ("lodestar", "float32, 1 query, 1 thread", f32One, $"{bytes / f32One / 1e9:F1} GB/s scanned"),
            ("lodestar", $"float32, 1 query, {Environment.ProcessorCount} threads", f32, $"{bytes / f32 / 1e9:F1} GB/s = {bytes / f32 / 1e9 / bw2:P0} of bandwidth"),
            ("lodestar", $"int8 + rescore, 1 query, {Environment.ProcessorCount} threads", i8, $"{f32 / i8:F2}x float32; recall@{k} {recall:F3}"),
            ("lodestar", $"float32, {qs.Length} queries per pass", many, $"{f32 / many:F1}x one at a time"),
        };
        string faissVersion = "not run";
        if (File.Exists(peers))
        {
            try
            {
                var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (string a in new[] { peers, Path.Combine(indexPath, "vectors.f32"), $"{count}", $"{dim}", queriesPath, $"{k}", $"{Environment.ProcessorCount}", $"{passes}" })
                {
                    start.ArgumentList.Add(a);
                }

                using Process p = Process.Start(start)!;
                string output = p.StandardOutput.ReadToEnd();
                string error = p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0)
                {
                    throw new InvalidOperationException(error.Trim());
                }

                using JsonDocument doc = JsonDocument.Parse(output);
                JsonElement root = doc.RootElement;
                faissVersion = root.GetProperty("faiss").GetString()!;
                int[][] ids = [.. root.GetProperty("ids").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetInt32()).ToArray())];
                double agree = ids.Select((r, j) => r.Count(exact[j].Contains)).Sum() / (double)(k * qs.Length);
                double single = root.GetProperty("single_seconds").GetDouble(), batch = root.GetProperty("batch_seconds").GetDouble();
                rows.Add(($"faiss {faissVersion}", $"IndexFlatIP, 1 query, {Environment.ProcessorCount} threads", single, $"lodestar float32 {single / f32:F2}x faster; top-{k} agreement {agree:F3}"));
                rows.Add(($"faiss {faissVersion}", $"IndexFlatIP, {qs.Length} queries per call", batch, $"lodestar batched {batch / many:F2}x faster"));
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException)
            {
                context.Error.WriteLine($"faiss peer skipped: {e.Message.Split('\n').Last()}");
            }
        }

        if (gguf is not null)
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
            rows.Add(("lodestar embedded", $"{Path.GetFileName(model.Path)} ({model.Description}), {docs.Length} texts", seconds / docs.Length,
                $"{tokens / seconds:N0} tokens/s"));
        }

        var table = new List<string>
        {
            $"memory bandwidth (streaming read, 1 GiB): {bw1:F1} GB/s on 1 thread, {bw2:F1} GB/s on {Environment.ProcessorCount}",
            $"vectors: {count:N0} x {dim} float32 ({bytes / 1e9:F2} GB), k = {k}, {qs.Length} queries, best of {passes}",
            "",
            "| system | mode | ms / query | note |",
            "|---|---|---:|---|",
        };
        table.AddRange(rows.Select(r => $"| {r.System} | {r.Mode} | {r.Seconds * 1000:F2} | {r.Note} |"));
        foreach (string line in table)
        {
            context.Out.WriteLine(line);
        }

        if (markdown is not null)
        {
            File.WriteAllLines(markdown, table);
        }

        return 0;
    }

    private static void Gaussian(Random random, float[] v)
    {
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
    }

    private static double Time(int passes, Action work)
    {
        work();
        double best = double.MaxValue;
        for (int i = 0; i < passes; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    /// <summary>Streaming-read bandwidth in GB/s: parallel sums over 1 GiB, best of 5.</summary>
    private static unsafe double Bandwidth(int threads)
    {
        const long Floats = 1L << 28;
        float* buffer = (float*)NativeMemory.AlignedAlloc((nuint)(Floats * 4), 64);
        try
        {
            new Span<float>(buffer, (int)Floats).Fill(1f);
            double best = double.MaxValue;
            for (int pass = 0; pass < 6; pass++)
            {
                var clock = Stopwatch.StartNew();
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                {
                    long start = Floats * t / threads, end = Floats * (t + 1) / threads;
                    _ = TensorPrimitives.Sum(new ReadOnlySpan<float>(buffer + start, (int)(end - start)));
                });
                if (pass > 0)
                {
                    best = Math.Min(best, clock.Elapsed.TotalSeconds);
                }
            }

            return Floats * 4 / best / 1e9;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }
}
