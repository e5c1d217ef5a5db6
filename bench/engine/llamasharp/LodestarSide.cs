using Lodestar.Llm.Embedding;
using Lodestar.Llm.Engine;

namespace LlamaSharpBench;

/// <summary>Lodestar's own binding (src/Lodestar.Llm/Engine) over the npm build of llama.cpp, as the product uses it.</summary>
internal sealed class LodestarSide : ISide
{
    private LlamaModel? _model;
    private LlamaGenerator? _generator;
    private LlamaEmbedder? _embedder;
    private int _threads;

    public string Library => $"{LlamaLibrary.LoadedFrom} (llama_version {LlamaLibrary.Version})";

    private LlamaModel Model => _model ?? throw new InvalidOperationException("not loaded");

    private LlamaGenerator Generator => _generator ?? throw new InvalidOperationException("not loaded");

    public void Load(string gguf, int threads, int contextSize, int sequences)
    {
        _threads = threads;
        _model = LlamaModel.Load(gguf);
        _generator = new LlamaGenerator(_model, contextSize, sequences, threads);
    }

    public int[] Tokenize(string text) => Model.Tokenize(text, addSpecial: true);

    public void FirstToken(int[] prompt) => Generator.Generate(prompt, 1, new Sampling(Temperature: 0, MaxTokens: 1));

    public int Prompt(int[] prompt, Meter meter)
    {
        long before = Generator.PromptTokensDecoded;
        meter.Start();
        Generator.Generate(prompt, 1, new Sampling(Temperature: 0, MaxTokens: 1));
        meter.Stop();
        return (int)(Generator.PromptTokensDecoded - before);
    }

    public (int Tokens, string[] Heads) Generate(int[] prompt, int sequences, int maxTokens, double temperature, uint seed, Meter meter)
    {
        // the prompt's KV state is kept between requests (prefix reuse), so the timed request decodes only its last
        // token again and then the sampled ones
        Generator.Generate(prompt, sequences, new Sampling(Temperature: temperature, Seed: seed, MaxTokens: 1));
        meter.Start();
        var (samples, _) = Generator.Generate(prompt, sequences, new Sampling(Temperature: temperature, Seed: seed, MaxTokens: maxTokens));
        meter.Stop();
        return (samples.Sum(s => s.Tokens), [.. samples.Select(s => Program.Head(s.Text))]);
    }

    public void PrepareEmbeddings(Pooling pooling, int batchTokens, int sequences)
    {
        _embedder?.Dispose();
        _embedder = new LlamaEmbedder(Model, pooling, normalize: true, batchTokens, sequences, _threads);
    }

    public float[][] Embed(IReadOnlyList<string> texts) =>
        (_embedder ?? throw new InvalidOperationException("no embedding context")).Embed(texts);

    public void Dispose()
    {
        _embedder?.Dispose();
        _generator?.Dispose();
        _model?.Dispose();
    }
}
