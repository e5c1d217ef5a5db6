using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Llm.Client;
using Lodestar.Llm.Embedding;
using Lodestar.Llm.Engine;
using Lodestar.Hub;

namespace Lodestar.Cli.Commands;

/// <summary>The embedding-model options shared by <c>embed</c>, <c>index --dense</c> and <c>search --mode dense|hybrid</c>.</summary>
internal sealed class EmbedderOptions
{
    private readonly bool _sharedLlamaLib;

    /// <summary>Creates the options; <paramref name="threadsName"/> names the embedded engine's thread option
    /// (<c>--threads</c> where the command has no other, else <c>--llama-threads</c>), <paramref name="ggufName"/> the
    /// model option (<c>--embed-gguf</c> where <c>--gguf</c> is the command's chat model), and
    /// <paramref name="llamaLib"/> a <c>--llama-lib</c> option the command already has.</summary>
    public EmbedderOptions(string threadsName = "--llama-threads", string ggufName = "--gguf", Option<string?>? llamaLib = null)
    {
        Threads = new Option<int>(threadsName) { Description = "Embedded engine: CPU threads (0: all cores).", DefaultValueFactory = _ => 0 }.Range(0, 4096);
        Gguf = new(ggufName) { Description = "Embed with the embedded engine: a .gguf path or hf:OWNER/REPO/FILE.gguf in the model cache." };
        _sharedLlamaLib = llamaLib is not null;
        LlamaLib = llamaLib ?? new("--llama-lib") { Description = "Folder with libllama/libggml (default: tools/llama, LODESTAR_LLAMA_LIB)." };
    }

    /// <summary>The embedded engine's CPU threads.</summary>
    public Option<int> Threads { get; }

    /// <summary>Layers on the GPU.</summary>
    public Option<string?> GpuLayers { get; } = GpuLayersOption.Create();

    /// <summary>The <c>--gguf</c> option; absent where the command names the model another way (<c>index --dense</c>).</summary>
    public Option<string?> Gguf { get; }

    public Option<string?> Endpoint { get; } = new Option<string?>("--embed-endpoint") { Description = "Embed with an OpenAI-compatible /v1/embeddings server (vLLM, SGLang, TEI, Ollama, llama.cpp)." }.Url();

    public Option<string?> Model { get; } = new("--embed-model") { Description = "Model name on the embedding server." };

    public Option<string?> LlamaLib { get; }

    public Option<string> Profile { get; } = new("--profile") { Description = "Input templates and pooling: plain, rader (query: {instruction}{query} / document: {text}), e5 or bge.", DefaultValueFactory = _ => "plain" };

    public Option<string> Instruction { get; } = new("--instruction") { Description = "Text for {instruction} in the query template (per task for RaDeR).", DefaultValueFactory = _ => "" };

    public Option<Pooling?> Pooling { get; } = new("--pooling") { Description = "Embedded pooling: mean, cls or last (default: the profile's)." };

    public Option<int> BatchTokens { get; } = new Option<int>("--batch-tokens") { Description = "Embedded engine: tokens per batch, also the longest text (longer ones are cut).", DefaultValueFactory = _ => 2048 }.Range(16, 1_048_576);

    public void AddTo(Command command, bool withModel = true)
    {
        foreach (Option o in (withModel ? new Option[] { Gguf, Endpoint, Model } : [Endpoint]).Concat(_sharedLlamaLib ? [] : [LlamaLib])
            .Concat([Threads, GpuLayers, Profile, Instruction, Pooling, BatchTokens]))
        {
            command.Options.Add(o);
        }
    }

    public string? LlamaLibValue(ParseResult parse) => parse.GetValue(LlamaLib);

    public bool Given(ParseResult parse) => parse.GetValue(Gguf) is not null || parse.GetValue(Endpoint) is not null;

    public EmbeddingProfile ReadProfile(ParseResult parse)
    {
        string name = parse.GetValue(Profile)!;
        EmbeddingProfile profile = EmbeddingProfile.BuiltIn.TryGetValue(name, out EmbeddingProfile? p) ? p
            : throw new ArgumentException($"unknown --profile '{name}', expected one of: {string.Join(", ", EmbeddingProfile.BuiltIn.Keys)}");
        return profile with { Instruction = parse.GetValue(Instruction)!, Pooling = parse.GetValue(Pooling) ?? profile.Pooling };
    }

    /// <summary>Opens the embedder; <paramref name="model"/> (from <c>index --dense MODEL</c>) names the GGUF, or the
    /// server's model when <c>--embed-endpoint</c> is given.</summary>
    public IEmbedder Open(ParseResult parse, CliContext context, EmbeddingProfile profile, string? model = null)
    {
        string? endpoint = parse.GetValue(Endpoint);
        string? gguf = model is not null ? (endpoint is null ? model : null) : parse.GetValue(Gguf);
        if ((gguf is null) == (endpoint is null))
        {
            throw new ArgumentException($"give either {Gguf.Name} MODEL (embedded llama.cpp) or --embed-endpoint URL --embed-model NAME (a server)");
        }

        if (endpoint is not null)
        {
            string name = model ?? parse.GetValue(Model) ?? throw new ArgumentException("--embed-endpoint needs --embed-model NAME");
            return new OpenAiEmbedder(new OpenAiClient(new EndpointOptions { BaseUrl = new Uri(endpoint), Model = name, MaxInFlight = 8 }), profile.Normalize);
        }

        int? layers = GpuLayersOption.Value(parse, GpuLayers);
        LlamaModel loaded = LlamaModel.Load(ModelCache.Resolve(gguf!), parse.GetValue(LlamaLib), layers);
        GpuLayersOption.Report(context, layers);
        var embedder = new LlamaEmbedder(loaded, profile.Pooling, profile.Normalize, parse.GetValue(BatchTokens), threads: parse.GetValue(Threads));
        context.Error.WriteLine($"embedded llama.cpp {LlamaLibrary.Version}: {loaded.Description}, {loaded.EmbeddingSize} dimensions, " +
            $"{profile.Pooling.ToString().ToLowerInvariant()} pooling, {embedder.Threads} threads");
        return new OwningEmbedder(embedder, loaded);
    }

    /// <summary>An embedded embedder that also frees its model.</summary>
    private sealed class OwningEmbedder(LlamaEmbedder inner, LlamaModel model) : IEmbedder
    {
        public string Model => inner.Model;

        public int Dimension => inner.Dimension;

        public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) => inner.EmbedAsync(texts, cancellationToken);

        public void Dispose()
        {
            inner.Dispose();
            model.Dispose();
        }
    }
}
