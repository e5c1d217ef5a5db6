using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;
using Lodestar.Llm.Engine;

// usage: BindingAb lodestar|llamasharp GGUF THREADS
// Prints one line: start-up (model load) s, prompt tokens/s (one 256-token prompt), generated tokens/s (4 parallel
// sequences of 32 tokens, greedy; LLamaSharp: its BatchedExecutor with one conversation per sequence), embeddings/s
// (32 texts, mean pooling), peak RSS MiB.
string which = args[0], gguf = args[1];
int threads = int.Parse(args[2]);
string[] texts = [.. Enumerable.Range(0, 32).Select(i => $"Moths and lamps, passage {i}: insects steer by a distant light and circle a near one.")];
string prompt = string.Concat(Enumerable.Repeat("Why are insects drawn to artificial light at night? ", 24));
var clock = Stopwatch.StartNew();
double load, promptRate, genRate, embedRate;
if (which == "lodestar")
{
    using LlamaModel model = LlamaModel.Load(gguf);
    load = clock.Elapsed.TotalSeconds;
    int[] tokens = [model.Bos, .. model.Tokenize(prompt)];
    tokens = tokens[..Math.Min(256, tokens.Length)];
    using var gen = new LlamaGenerator(model, contextSize: 1024, maxSequences: 4, threads: threads);
    clock.Restart();
    gen.Generate(tokens, 1, new Sampling(Temperature: 0, MaxTokens: 1));
    promptRate = tokens.Length / clock.Elapsed.TotalSeconds;
    int[] other = [model.Bos, .. model.Tokenize("Something else entirely.")];
    gen.Generate(other, 1, new Sampling(Temperature: 0, MaxTokens: 1)); // so the next prompt is decoded again
    clock.Restart();
    var (samples, _) = gen.Generate(tokens, 4, new Sampling(Temperature: 0, MaxTokens: 32));
    double all = clock.Elapsed.TotalSeconds;
    genRate = samples.Sum(s => s.Tokens) / Math.Max(1e-9, all - (tokens.Length / promptRate));
    using var embedder = new LlamaEmbedder(model, Lodestar.Llm.Embedding.Pooling.Mean, threads: threads);
    clock.Restart();
    embedder.Embed(texts);
    embedRate = texts.Length / clock.Elapsed.TotalSeconds;
}
else
{
    NativeLibraryConfig.All.WithLogCallback((level, message) => { });
    var parameters = new ModelParams(gguf) { ContextSize = 1024, Threads = threads, BatchThreads = threads, BatchSize = 512, GpuLayerCount = 0 };
    using LLamaWeights weights = LLamaWeights.LoadFromFile(parameters);
    load = clock.Elapsed.TotalSeconds;
    using (LLamaContext context = weights.CreateContext(parameters))
    {
        LLamaToken[] tokens = context.Tokenize(prompt, addBos: true);
        tokens = tokens[..Math.Min(256, tokens.Length)];
        var batch = new LLamaBatch();
        for (int i = 0; i < tokens.Length; i++)
        {
            batch.Add(tokens[i], i, LLamaSeqId.Zero, i == tokens.Length - 1);
        }

        clock.Restart();
        context.Decode(batch);
        promptRate = tokens.Length / clock.Elapsed.TotalSeconds;
    }

    using (var executor = new LLama.Batched.BatchedExecutor(weights, parameters))
    {
        var conversations = Enumerable.Range(0, 4).Select(_ => executor.Create()).ToList();
        LLamaToken[] tokens = executor.Context.Tokenize(prompt, addBos: true);
        tokens = tokens[..Math.Min(256, tokens.Length)];
        foreach (var c in conversations)
        {
            c.Prompt(tokens);
        }

        executor.Infer().GetAwaiter().GetResult();
        var samplers = conversations.Select(_ => new LLama.Sampling.GreedySamplingPipeline()).ToList();
        clock.Restart();
        int generated = 0;
        for (int step = 0; step < 32; step++)
        {
            for (int j = 0; j < conversations.Count; j++)
            {
                LLamaToken t = samplers[j].Sample(executor.Context.NativeHandle, conversations[j].GetSampleIndex());
                conversations[j].Prompt(t);
                generated++;
            }

            executor.Infer().GetAwaiter().GetResult();
        }

        genRate = generated / clock.Elapsed.TotalSeconds;
    }

    var embedParams = new ModelParams(gguf) { ContextSize = 2048, Threads = threads, BatchThreads = threads, BatchSize = 2048, UBatchSize = 2048, Embeddings = true, PoolingType = LLamaPoolingType.Mean, GpuLayerCount = 0 };
    var embedder = new LLamaEmbedder(weights, embedParams);
    clock.Restart();
    foreach (string t in texts)
    {
        embedder.GetEmbeddings(t).GetAwaiter().GetResult();
    }

    embedRate = texts.Length / clock.Elapsed.TotalSeconds;
    embedder.Dispose();
}

string rss = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
long kib = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
Console.WriteLine($"{which}\tload {load:F2} s\tprompt {promptRate:F0} tok/s\tgenerated {genRate:F0} tok/s\tembeddings {embedRate:F1}/s\tpeak RSS {kib / 1024} MiB");
