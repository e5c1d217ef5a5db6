using System.CommandLine;
using Lodestar.Cli.Options;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lodestar.Formats;
using Lodestar.Llm.Client;
using Lodestar.Llm.Engine;
using Lodestar.Rerank.RetroStar;
using Microsoft.Extensions.AI;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar bench engine</c>: the embedded engine against llama.cpp's own <c>llama-server</c> (Retro* rerank
/// requests, one at a time) and <c>llama-embedding</c>, built from the source node-llama-cpp 3.22.1 bundles
/// (<c>scripts/build-llama-peers.sh</c>, run when they are not found), on the same GGUF with the same threads.
/// </summary>
/// <remarks>
/// Passes alternate between the systems so that a slow moment of a shared machine costs each one a pass. Rerank:
/// the same Retro* prompts (Cranfield queries and abstracts; every pair of a query shares the template and query
/// prefix, which both systems keep between requests), seed, temperature and token limit; tokens/s is tokens over
/// wall time of the requests, prompt and generated counted by each system. The server is started once, outside
/// the timing, with its host-memory prompt cache off (only the slot's last prompt is kept, as the engine keeps
/// its last). Embeddings: the same texts, mean pooling, normalized; <c>llama-embedding</c>'s own context timing
/// (<c>llama_perf_context_print</c>), the engine's embedding call, model loading excluded on both sides.
/// </remarks>
internal static partial class EngineBench
{
    public static Command Create(CliContext context)
    {
        var gguf = new Option<string>("--gguf") { Description = "The model (see bench/engine/make_random_gguf.py for a realistic random-weight one).", Required = true };
        var threads = new Option<int>("--threads") { Description = "CPU threads for every system (0: all cores).", DefaultValueFactory = _ => 0 }.Range(0, 4096);
        var pairs = new Option<int>("--pairs") { Description = "Rerank requests per pass.", DefaultValueFactory = _ => 16 }.Range(1, 1_000_000_000);
        var perQuery = new Option<int>("--docs-per-query") { Description = "Pairs that share a query (and so a prompt prefix).", DefaultValueFactory = _ => 8 }.Range(1, 1_000_000_000);
        var maxTokens = new Option<int>("--max-tokens") { Description = "New tokens per sample.", DefaultValueFactory = _ => 32 }.Range(1, 1_000_000_000);
        var samples = new Option<int>("--samples") { Description = "n, parallel seeded samples per request.", DefaultValueFactory = _ => 1 }.Range(1, 1_000_000_000);
        var texts = new Option<int>("--texts") { Description = "Texts embedded per pass.", DefaultValueFactory = _ => 64 }.Range(1, 1_000_000_000);
        var passes = new Option<int>("--passes") { Description = "Passes per system, interleaved.", DefaultValueFactory = _ => 2 }.Range(1, 1_000_000_000);
        var peers = new Option<string?>("--peers") { Description = "Folder with llama-server and llama-embedding (default: tools/llama-peers/bin, built when absent); none: the engine alone." };
        Option<string?> gpuLayers = GpuLayersOption.Create();
        var llamaLib = new Option<string?>("--llama-lib") { Description = "Folder with libllama/libggml (default: tools/llama, LODESTAR_LLAMA_LIB)." };
        var corpus = new Option<string>("--corpus") { Description = "Documents (BEIR JSONL).", DefaultValueFactory = _ => "data/cranfield/corpus.jsonl.gz" };
        var queries = new Option<string>("--queries") { Description = "Queries (BEIR JSONL).", DefaultValueFactory = _ => "data/cranfield/queries.jsonl" };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table as Markdown to this file." };
        var command = new Command("engine", "Benchmark the embedded llama.cpp engine against llama-server and llama-embedding built from the same source.")
        {
            gguf, threads, pairs, perQuery, maxTokens, samples, texts, passes, peers, gpuLayers, llamaLib, corpus, queries, markdown,
        };
        command.SetAction(parse =>
        {
            int t = parse.GetValue(threads) > 0 ? parse.GetValue(threads) : Environment.ProcessorCount;
            var settings = new Settings(parse.GetValue(gguf)!, t, parse.GetValue(pairs), parse.GetValue(perQuery), parse.GetValue(maxTokens),
                parse.GetValue(samples), parse.GetValue(texts), Math.Max(1, parse.GetValue(passes)), GpuLayersOption.Value(parse, gpuLayers));
            return Run(context, settings, parse.GetValue(peers), parse.GetValue(llamaLib), parse.GetValue(corpus)!, parse.GetValue(queries)!, parse.GetValue(markdown));
        });
        return command;
    }

    private sealed record Settings(string Gguf, int Threads, int Pairs, int PerQuery, int MaxTokens, int Samples, int Texts, int Passes, int? GpuLayers);

    /// <summary>One timed pass: wall seconds and the tokens it processed.</summary>
    private sealed record Pass(double Seconds, long PromptTokens, long GeneratedTokens);

    private static int Run(CliContext context, Settings s, string? peersOption, string? llamaLib, string corpus, string queries, string? markdown)
    {
        string? peers = peersOption == "none" ? null : FindPeers(context, peersOption);
        var docs = CorpusReader.Read(corpus).Take(Math.Max(s.Texts, s.Pairs)).Select(d => d.Document.Text.Replace('\n', ' ').Trim()).ToList();
        var topics = TopicReader.Read(queries);
        var prompts = new List<string>();
        for (int i = 0; i < s.Pairs; i++)
        {
            prompts.Add(RetroStarPrompt.Build(RelevanceDefinition.Default, topics[i / Math.Max(1, s.PerQuery) % topics.Count].Text, docs[i % docs.Count]));
        }

        context.Error.WriteLine($"engine benchmark: {Path.GetFileName(s.Gguf)}, {s.Threads} threads, {s.Pairs} rerank requests (n = {s.Samples}, " +
            $"{s.MaxTokens} new tokens, {s.PerQuery} per query), {s.Texts} texts embedded, {s.Passes} interleaved passes; peers from {peers ?? "(none)"}");
        using LlamaModel model = LlamaModel.Load(s.Gguf, llamaLib, s.GpuLayers);
        GpuLayersOption.Report(context, s.GpuLayers);
        var results = new Dictionary<string, List<Pass>>();
        void Record(string name, Pass p)
        {
            (results.TryGetValue(name, out List<Pass>? list) ? list : results[name] = []).Add(p);
            context.Error.WriteLine($"  {name}: {p.Seconds:F2} s, {p.PromptTokens:N0} prompt + {p.GeneratedTokens:N0} generated tokens");
        }

        using (var embedded = new LlamaChatClient(model, new LlamaChatOptions(ContextSize: 4096, MaxSequences: s.Samples, Threads: s.Threads)))
        {
            if (peers is null)
            {
                for (int pass = 0; pass < s.Passes; pass++)
                {
                    Record("rerank, embedded", Rerank(embedded, prompts, s, pass));
                }
            }
            else
            {
                int port = FreePort();
                using Process server = StartServer(peers, s, port);
                try
                {
                    using var http = new OpenAiChatClient(new OpenAiClient(new EndpointOptions
                    {
                        BaseUrl = new Uri($"http://127.0.0.1:{port}/"), Model = "bench", MaxRetries = 0, RequestTimeout = TimeSpan.FromMinutes(30),
                    }));
                    WaitHealthy(port, server);
                    for (int pass = 0; pass < s.Passes; pass++)
                    {
                        Record("rerank, embedded", Rerank(embedded, prompts, s, pass));
                        Record("rerank, llama-server", Rerank(http, prompts, s, pass));
                    }

                    results["peak RSS llama-server MiB"] = [new Pass(PeakRssMiB(server.Id), 0, 0)];
                }
                finally
                {
                    server.Kill(entireProcessTree: true);
                    server.WaitForExit();
                }
            }
        }

        string textFile = Path.Combine(Path.GetTempPath(), $"lodestar-bench-texts-{Environment.ProcessId}.txt");
        File.WriteAllLines(textFile, docs.Take(s.Texts));
        try
        {
            using var embedder = new LlamaEmbedder(model, Lodestar.Llm.Embedding.Pooling.Mean, normalize: true, batchTokens: 2048, threads: s.Threads);
            int tokens = docs.Take(s.Texts).Sum(d => Math.Min(model.Tokenize(d).Length + (model.AddsBos ? 1 : 0), embedder.MaxTokens));
            for (int pass = 0; pass < s.Passes; pass++)
            {
                var clock = Stopwatch.StartNew();
                embedder.Embed([.. docs.Take(s.Texts)]);
                Record("embed, embedded", new Pass(clock.Elapsed.TotalSeconds, tokens, 0));
                if (peers is not null)
                {
                    Record("embed, llama-embedding", Embedding(peers, s, textFile, tokens));
                }
            }
        }
        finally
        {
            File.Delete(textFile);
        }

        Report(context, s, results, markdown);
        return 0;
    }

    private static Pass Rerank(IChatClient client, List<string> prompts, Settings s, int pass)
    {
        long prompt = 0, generated = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < prompts.Count; i++)
        {
            ChatResponse r = client.GetResponseAsync([new ChatMessage(ChatRole.User, prompts[i])], new ChatOptions
            {
                Temperature = 0.6f,
                TopP = 0.95f,
                TopK = 20,
                Seed = (pass * 100_000) + (i * s.Samples),
                MaxOutputTokens = s.MaxTokens,
                AdditionalProperties = new AdditionalPropertiesDictionary
                {
                    ["n"] = s.Samples,
                    ["chat_template_kwargs"] = new Dictionary<string, object> { ["enable_thinking"] = false },
                },
            }).GetAwaiter().GetResult();
            prompt += r.Usage?.InputTokenCount ?? 0;
            generated += r.Messages.Sum(m => SampleFacts.Read(m).Tokens ?? 0);
        }

        return new Pass(clock.Elapsed.TotalSeconds, prompt, generated);
    }

    private static Process StartServer(string peers, Settings s, int port)
    {
        var start = new ProcessStartInfo(Path.Combine(peers, "llama-server")) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[]
        {
            "-m", s.Gguf, "-t", $"{s.Threads}", "-tb", $"{s.Threads}", "-c", $"{4096 * s.Samples}", "-np", $"{s.Samples}", "--kv-unified",
            "--cache-ram", "0", "--host", "127.0.0.1", "--port", $"{port}", "--alias", "bench", "--no-webui", "-ngl", GpuLayersArgument(s),
        })
        {
            start.ArgumentList.Add(a);
        }

        Process p = Process.Start(start) ?? throw new InvalidOperationException("llama-server did not start");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static void WaitHealthy(int port, Process server)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"llama-server exited with code {server.ExitCode} before it was ready");
            }

            try
            {
                if (http.GetAsync("health").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            Thread.Sleep(200);
        }

        throw new TimeoutException("llama-server was not ready within 10 minutes");
    }

    private static Pass Embedding(string peers, Settings s, string textFile, int tokens)
    {
        var start = new ProcessStartInfo(Path.Combine(peers, "llama-embedding")) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[]
        {
            "-m", s.Gguf, "-t", $"{s.Threads}", "-tb", $"{s.Threads}", "-f", textFile, "--pooling", "mean", "--embd-normalize", "2",
            "-b", "2048", "-ub", "2048", "-c", "2048", "-ngl", GpuLayersArgument(s),
        })
        {
            start.ArgumentList.Add(a);
        }

        var clock = Stopwatch.StartNew();
        using Process p = Process.Start(start) ?? throw new InvalidOperationException("llama-embedding did not start");
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        string log = p.StandardError.ReadToEnd();
        p.WaitForExit();
        _ = output.GetAwaiter().GetResult();
        double wall = clock.Elapsed.TotalSeconds;
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"llama-embedding exited with code {p.ExitCode}: {log[Math.Max(0, log.Length - 2000)..]}");
        }

        // llama_perf_context_print: total time = X ms: the context's own work, model loading excluded.
        Match m = PerfTotal().Match(log);
        double seconds = m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 1000 : wall;
        return new Pass(seconds, tokens, 0);
    }

    private static string GpuLayersArgument(Settings s) => s.GpuLayers is null or < 0 ? "all" : $"{s.GpuLayers}";

    [GeneratedRegex(@"llama_perf_context_print:\s+total time =\s+([0-9.]+) ms")]
    private static partial Regex PerfTotal();

    private static string FindPeers(CliContext context, string? option)
    {
        if (option is not null)
        {
            return File.Exists(Path.Combine(option, "llama-server")) ? option
                : throw new ArgumentException($"{option}: no llama-server there (build one with scripts/build-llama-peers.sh)");
        }

        for (DirectoryInfo? dir = new(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string bin = Path.Combine(dir.FullName, "tools", "llama-peers", "bin");
            if (File.Exists(Path.Combine(bin, "llama-server")) && File.Exists(Path.Combine(bin, "llama-embedding")))
            {
                return bin;
            }

            string script = Path.Combine(dir.FullName, "scripts", "build-llama-peers.sh");
            if (File.Exists(script))
            {
                context.Error.WriteLine($"building llama-server and llama-embedding from node-llama-cpp 3.22.1's llama.cpp source ({script}; tens of minutes on 2 cores) ...");
                using Process build = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { script } })!;
                build.WaitForExit();
                return build.ExitCode == 0 ? bin : throw new InvalidOperationException($"{script} failed (exit {build.ExitCode})");
            }
        }

        throw new ArgumentException("llama-server not found: pass --peers DIR, or run from the repository (scripts/build-llama-peers.sh builds it)");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static double PeakRssMiB(int pid)
    {
        string status = $"/proc/{pid}/status";
        string? line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) : null;
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static void Report(CliContext context, Settings s, Dictionary<string, List<Pass>> results, string? markdown)
    {
        static double Median(IEnumerable<double> xs)
        {
            double[] a = [.. xs.Order()];
            return a.Length % 2 == 1 ? a[a.Length / 2] : (a[(a.Length / 2) - 1] + a[a.Length / 2]) / 2;
        }

        var lines = new List<string>
        {
            $"Engine benchmark, {Path.GetFileName(s.Gguf)}, {s.Threads} threads, {DateTime.UtcNow:yyyy-MM-dd}, llama.cpp {LlamaLibrary.Version}",
            "",
            "| workload | system | passes | wall s (min / median) | tokens/s, prompt (best) | tokens/s, generated (best) | ratio (min / median) |",
            "|---|---|---:|---:|---:|---:|---:|",
        };
        foreach ((string work, string peer) in new[] { ("rerank", "llama-server"), ("embed", "llama-embedding") })
        {
            List<Pass> ours = results[$"{work}, embedded"], theirs = results.GetValueOrDefault($"{work}, {peer}") ?? [];
            foreach ((string name, List<Pass> passes) in new[] { ("embedded", ours), (peer, theirs) }.Where(r => r.Item2.Count > 0))
            {
                Pass best = passes.MinBy(p => p.Seconds)!;
                string ratio = "";
                if (name == "embedded" && theirs.Count > 0)
                {
                    // time ratio peer / ours per pass pair: above 1 means the engine is faster
                    double[] r = [.. ours.Zip(theirs, (a, b) => b.Seconds / a.Seconds)];
                    ratio = $"{r.Min():F2} / {Median(r):F2}";
                }

                lines.Add($"| {work} | {name} | {passes.Count} | {passes.Min(p => p.Seconds):F2} / {Median(passes.Select(p => p.Seconds)):F2} | " +
                    $"{best.PromptTokens / best.Seconds:N0} | {(best.GeneratedTokens > 0 ? (best.GeneratedTokens / best.Seconds).ToString("N0", CultureInfo.InvariantCulture) : "")} | {ratio} |");
            }
        }

        lines.Add("");
        lines.Add("Ratio: the peer's time over the engine's, per interleaved pass pair (1.00 = same speed). " +
            (results.TryGetValue("peak RSS llama-server MiB", out List<Pass>? rss) ? $"Peak RSS of llama-server: {rss[0].Seconds:N0} MiB; " : "") +
            $"of this process (engine and .NET): {PeakRssMiB(Environment.ProcessId):N0} MiB. GPU: " +
            (LlamaLibrary.GpuDevices() is { Count: > 0 } gpus && s.GpuLayers != 0 ? string.Join(", ", gpus) : "none (CPU)") + ".");
        foreach (string line in lines)
        {
            context.Out.WriteLine(line);
        }

        if (markdown is not null)
        {
            AtomicFile.Write(markdown, stream =>
            {
                using var w = new StreamWriter(stream, leaveOpen: true);
                w.Write(string.Join('\n', lines) + "\n");
            });
        }
    }
}
