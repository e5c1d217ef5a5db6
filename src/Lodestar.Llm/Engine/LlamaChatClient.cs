using Lodestar.Llm.Client;
using Microsoft.Extensions.AI;

namespace Lodestar.Llm.Engine;

/// <summary>Settings of the embedded chat client.</summary>
/// <param name="Format">Chat template.</param>
/// <param name="ContextSize">KV cells: the prompt plus every sample's answer.</param>
/// <param name="MaxSequences">Samples decoded together; larger <c>n</c> runs in rounds.</param>
/// <param name="Threads">CPU threads (0: all cores).</param>
public sealed record LlamaChatOptions(ChatFormat Format = ChatFormat.Auto, int ContextSize = 8192, int MaxSequences = 8, int Threads = 0);

/// <summary>
/// The embedded engine behind <see cref="IChatClient"/>, like <see cref="OpenAiChatClient"/>: the same options
/// (temperature, top-p, top-k, seed, max output tokens, stop, and <c>n</c> and <c>chat_template_kwargs</c> in
/// <see cref="ChatOptions.AdditionalProperties"/>), one assistant message per sample. Engine errors become
/// <see cref="LlmException"/> of kind <see cref="LlmFailure.Engine"/>, which the reranker counts.
/// </summary>
public sealed class LlamaChatClient : IChatClient, ITokenCounter
{
    private readonly LlamaModel _model;
    private readonly LlamaGenerator _generator;
    private readonly ChatFormat _format;
    private readonly bool _ownsModel;

    /// <summary>Creates a client on a loaded model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">Settings.</param>
    /// <param name="ownsModel">Dispose the model with the client.</param>
    public LlamaChatClient(LlamaModel model, LlamaChatOptions? options = null, bool ownsModel = false)
    {
        options ??= new LlamaChatOptions();
        _model = model;
        _ownsModel = ownsModel;
        _format = ChatTemplates.Resolve(options.Format, model);
        int context = Math.Min(options.ContextSize, Math.Max(model.TrainContext, 512));
        ContextCapped = context < options.ContextSize;
        _generator = new LlamaGenerator(model, context, options.MaxSequences, options.Threads);
    }

    /// <summary>KV cells in the context: the requested size, capped to the model's trained context.</summary>
    public int ContextSize => _generator.ContextSize;

    /// <summary>Whether the requested context was more than the model's trained context, and was cut to it.</summary>
    public bool ContextCapped { get; }

    /// <summary>The CPU threads decoding uses.</summary>
    public int Threads => _generator.Threads;

    /// <summary>The generator (its counters say how much of the prompts was decoded and how much reused).</summary>
    public LlamaGenerator Generator => _generator;

    /// <summary>The model.</summary>
    public LlamaModel Model => _model;

    /// <summary>The chat format in use.</summary>
    public ChatFormat Format => _format;

    /// <summary>The model's name: its file name without <c>.gguf</c>.</summary>
    public string ModelName => Path.GetFileNameWithoutExtension(_model.Path);

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.Select(m => (m.Role.Value, m.Text)).ToList();
        return Task.Run(() => Respond(list, options, cancellationToken), cancellationToken);
    }

    private ChatResponse Respond(List<(string Role, string Text)> messages, ChatOptions? options, CancellationToken ct)
    {
        object? kwargs = null, n = null;
        options?.AdditionalProperties?.TryGetValue("chat_template_kwargs", out kwargs);
        options?.AdditionalProperties?.TryGetValue("n", out n);
        bool thinking = kwargs is not IReadOnlyDictionary<string, object> k || !k.TryGetValue("enable_thinking", out object? t) || t is not false;
        int samples = n is int count ? count : 1;
        try
        {
            int[] prompt = Prompt(messages, thinking);
            var sampling = new Sampling(options?.Temperature ?? 0.8, options?.TopP ?? 1.0, options?.TopK ?? 0, options?.Seed ?? 0,
                options?.MaxOutputTokens ?? 512, options?.StopSequences is { } stop ? [.. stop] : null);
            var answers = new List<Generated>();
            while (answers.Count < samples)
            {
                int round = Math.Min(samples - answers.Count, _generator.MaxSequences);
                (List<Generated> got, _) = _generator.Generate(prompt, round, sampling with { Seed = sampling.Seed + answers.Count }, ct);
                answers.AddRange(got);
            }

            return new ChatResponse([.. answers.Select((a, j) => new ChatMessage(ChatRole.Assistant, a.Text)
                { AdditionalProperties = SampleFacts.Of(sampling.Seed + j, a.Tokens, estimated: false) })])
            {
                ModelId = ModelName,
                FinishReason = answers.Any(a => a.FinishReason == "length") ? ChatFinishReason.Length : ChatFinishReason.Stop,
                Usage = new UsageDetails { InputTokenCount = prompt.Length, OutputTokenCount = answers.Sum(a => (long)a.Tokens) },
            };
        }
        catch (LlamaException e)
        {
            throw new LlmException(LlmFailure.Engine, $"{_model.Path}: {e.Message}", e);
        }
    }

    private int[] Prompt(List<(string Role, string Text)> messages, bool thinking)
    {
        string text = ChatTemplates.Render(_format, _model, messages, thinking);
        return _model.Tokenize(text, addSpecial: _format != ChatFormat.Llama3, parseSpecial: true);
    }

    /// <summary>Tokens of <paramref name="text"/> sent as one user message, template included.</summary>
    public Task<int?> CountTokensAsync(string text, CancellationToken cancellationToken = default) =>
        Task.FromResult<int?>(Prompt([("user", text)], thinking: false).Length);

    /// <summary>The whole answer arrives as one update.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) => WholeResponses.AsUpdates(GetResponseAsync(messages, options, cancellationToken));

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(LlamaModel) ? _model
        : serviceType == typeof(ChatEndpoint) ? new ChatEndpoint(ModelName, new Uri(Path.GetFullPath(_model.Path)).ToString(), 1)
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("llama.cpp", new Uri(Path.GetFullPath(_model.Path)), ModelName)
        : null;

    /// <inheritdoc />
    public void Dispose()
    {
        _generator.Dispose();
        if (_ownsModel)
        {
            _model.Dispose();
        }
    }
}
