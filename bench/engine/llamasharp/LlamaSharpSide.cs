using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;
using Lodestar.Llm.Embedding;

namespace LlamaSharpBench;

/// <summary>
/// LLamaSharp 0.30.0 with its own native build (LLamaSharp.Backend.Cpu), through its best paths: a
/// <see cref="BatchedExecutor"/> for prompts and parallel sequences (forks share the prompt's KV cells, one sampler
/// chain per sequence), and for embeddings a batched context (many sequences per decode, llama.cpp's pooling) written
/// against its low-level API, because its <see cref="LLamaEmbedder"/> embeds one text per call (measured separately
/// by <see cref="EmbedOneByOne"/>).
/// </summary>
internal sealed class LlamaSharpSide : ISide
{
    private string _gguf = "";
    private int _threads;
    private LLamaWeights? _weights;
    private BatchedExecutor? _executor;
    private LLamaContext? _embedContext;
    private int _embedSequences;

    // the assembly carries no version; the package's is pinned in Directory.Packages.props
    public string Library => $"LLamaSharp.Backend.Cpu ({Marshal.PtrToStringAnsi(NativeApi.llama_print_system_info())?.Trim()})";

    private BatchedExecutor Executor => _executor ?? throw new InvalidOperationException("not loaded");

    private LLamaWeights Weights => _weights ?? throw new InvalidOperationException("not loaded");

    public void Load(string gguf, int threads, int contextSize, int sequences)
    {
        NativeLibraryConfig.All.WithLogCallback((level, message) => { });
        _gguf = gguf;
        _threads = threads;
        var parameters = new ModelParams(gguf)
        {
            ContextSize = (uint)contextSize, SeqMax = (uint)sequences, BatchSize = 512, UBatchSize = 512,
            Threads = threads, BatchThreads = threads, GpuLayerCount = 0, KVUnified = true,
        };
        _weights = LLamaWeights.LoadFromFile(parameters);
        _executor = new BatchedExecutor(_weights, parameters);
    }

    public int[] Tokenize(string text) => [.. Executor.Context.Tokenize(text, addBos: true, special: false).Select(t => (int)t)];

    public void FirstToken(int[] prompt)
    {
        using Conversation conversation = Executor.Create();
        conversation.Prompt(Tokens(prompt));
        Infer();
        using var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        chain.AddGreedySampler();
        conversation.Sample(chain);
    }

    public int Prompt(int[] prompt, Meter meter)
    {
        using Conversation conversation = Executor.Create();
        meter.Start();
        conversation.Prompt(Tokens(prompt));
        Infer();
        meter.Stop();
        return prompt.Length;
    }

    public (int Tokens, string[] Heads) Generate(int[] prompt, int sequences, int maxTokens, double temperature, uint seed, Meter meter)
    {
        var conversations = new List<Conversation> { Executor.Create() };
        var chains = new List<SafeLLamaSamplerChainHandle>();
        try
        {
            conversations[0].Prompt(Tokens(prompt));
            Infer();
            meter.Start();
            for (int j = 0; j < sequences; j++)
            {
                if (j > 0)
                {
                    conversations.Add(conversations[0].Fork());
                }

                var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
                chain.AddTemperature((float)temperature);
                chain.AddDistributionSampler(unchecked(seed + (uint)j));
                chains.Add(chain);
            }

            var decoders = conversations.Select(_ => new StreamingTokenDecoder(Executor.Context)).ToArray();
            var counts = new int[sequences];
            var done = new bool[sequences];
            int total = 0;
            while (true)
            {
                bool more = false;
                for (int j = 0; j < sequences; j++)
                {
                    if (done[j])
                    {
                        continue;
                    }

                    LLamaToken token = conversations[j].Sample(chains[j]);
                    if (token.IsEndOfGeneration(Weights.Vocab))
                    {
                        done[j] = true;
                        continue;
                    }

                    counts[j]++;
                    total++;
                    decoders[j].Add(token);
                    if (counts[j] >= maxTokens)
                    {
                        done[j] = true;
                        continue;
                    }

                    conversations[j].Prompt(token);
                    more = true;
                }

                if (!more)
                {
                    break;
                }

                Infer();
            }

            meter.Stop();
            return (total, [.. decoders.Select(d => Program.Head(d.Read()))]);
        }
        finally
        {
            chains.ForEach(c => c.Dispose());
            conversations.ForEach(c => c.Dispose());
        }
    }

    public void PrepareEmbeddings(Pooling pooling, int batchTokens, int sequences)
    {
        _embedContext?.Dispose();
        _embedContext = Weights.CreateContext(EmbeddingParams(pooling, batchTokens, sequences));
        _embedSequences = sequences;
    }

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        LLamaContext context = _embedContext ?? throw new InvalidOperationException("no embedding context");
        int maxTokens = (int)context.BatchSize;
        var tokens = texts.Select(t =>
        {
            LLamaToken[] all = context.Tokenize(t, addBos: true, special: false);
            return all.Length > maxTokens ? all[..maxTokens] : all;
        }).ToArray();
        var vectors = new float[texts.Count][];
        var batch = new LLamaBatch();
        int next = 0;
        while (next < tokens.Length)
        {
            int first = next, used = 0;
            while (next < tokens.Length && next - first < _embedSequences && used + tokens[next].Length <= maxTokens)
            {
                used += tokens[next++].Length;
            }

            context.NativeHandle.MemoryClear(true);
            batch.Clear();
            for (int s = first; s < next; s++)
            {
                for (int i = 0; i < tokens[s].Length; i++)
                {
                    batch.Add(tokens[s][i], i, (LLamaSeqId)(s - first), true);
                }
            }

            DecodeResult result = context.Decode(batch);
            if (result != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"LLamaSharp decode failed: {result}");
            }

            for (int s = first; s < next; s++)
            {
                float[] vector = context.NativeHandle.GetEmbeddingsSeq((LLamaSeqId)(s - first)).ToArray();
                TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
                vectors[s] = vector;
            }
        }

        return vectors;
    }

    /// <summary>LLamaSharp's own <see cref="LLamaEmbedder"/>: one text per call, mean pooling; returns texts embedded.</summary>
    public int EmbedOneByOne(IReadOnlyList<string> texts, int batchTokens, Meter meter)
    {
        using var embedder = new LLamaEmbedder(Weights, EmbeddingParams(Pooling.Mean, batchTokens, 1));
        embedder.GetEmbeddings(texts[0]).GetAwaiter().GetResult(); // warm-up, as for the batched paths
        meter.Start();
        foreach (string text in texts)
        {
            embedder.GetEmbeddings(text).GetAwaiter().GetResult();
        }

        meter.Stop();
        return texts.Count;
    }

    public void Dispose()
    {
        _embedContext?.Dispose();
        _executor?.Dispose();
        _weights?.Dispose();
    }

    private ModelParams EmbeddingParams(Pooling pooling, int batchTokens, int sequences) => new(_gguf)
    {
        ContextSize = (uint)batchTokens, BatchSize = (uint)batchTokens, UBatchSize = (uint)batchTokens, SeqMax = (uint)sequences,
        Threads = _threads, BatchThreads = _threads, GpuLayerCount = 0, KVUnified = true, Embeddings = true,
        PoolingType = pooling switch
        {
            Pooling.Mean => LLamaPoolingType.Mean,
            Pooling.Cls => LLamaPoolingType.CLS,
            Pooling.Last => LLamaPoolingType.Last,
            _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "mean, cls or last"),
        },
    };

    private static LLamaToken[] Tokens(int[] tokens) => [.. tokens.Select(t => (LLamaToken)t)];

    private void Infer()
    {
        DecodeResult result = Executor.Infer().GetAwaiter().GetResult();
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"LLamaSharp BatchedExecutor.Infer failed: {result}");
        }
    }
}
