using Microsoft.Extensions.AI;

namespace Lodestar.Llm.Client;

/// <summary>
/// <see cref="OpenAiClient"/> behind Microsoft.Extensions.AI's <see cref="IChatClient"/>, so any provider can be
/// plugged in where Lodestar asks for a chat client. <c>n</c> samples come back as one assistant message each;
/// <c>chat_template_kwargs</c> and <c>n</c> are read from <see cref="ChatOptions.AdditionalProperties"/>.
/// </summary>
public sealed class OpenAiChatClient(OpenAiClient client) : IChatClient, ITokenCounter
{
    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        object? kwargs = null;
        object? n = null;
        options?.AdditionalProperties?.TryGetValue("chat_template_kwargs", out kwargs);
        options?.AdditionalProperties?.TryGetValue("n", out n);
        var request = new ChatRequest
        {
            Messages = [.. messages.Select(m => (m.Role.Value, m.Text))],
            N = n is int count ? count : 1,
            Temperature = options?.Temperature,
            TopP = options?.TopP,
            TopK = options?.TopK,
            Seed = options?.Seed,
            MaxTokens = options?.MaxOutputTokens,
            Stop = options?.StopSequences is { } stop ? [.. stop] : null,
            ChatTemplateKwargs = kwargs as IReadOnlyDictionary<string, object>,
        };
        ChatResult result = await client.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        return new ChatResponse([.. result.Choices.Select(c => new ChatMessage(ChatRole.Assistant, c.Text) { AdditionalProperties = SampleFacts.Of(c.Seed, c.Tokens, c.TokensEstimated) })])
        {
            ModelId = client.Options.Model,
            FinishReason = result.Choices[0].FinishReason switch
            {
                "length" => ChatFinishReason.Length,
                "stop" => ChatFinishReason.Stop,
                null => null,
                string other => new ChatFinishReason(other),
            },
            Usage = new UsageDetails { InputTokenCount = result.PromptTokens, OutputTokenCount = result.CompletionTokens },
        };
    }

    /// <summary>Streams nothing incrementally: the whole answer arrives as one update (reranking needs whole answers).</summary>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) => WholeResponses.AsUpdates(GetResponseAsync(messages, options, cancellationToken));

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(OpenAiClient) ? client
        : serviceType == typeof(RetryLog) ? client.Retries
        : serviceType == typeof(ChatEndpoint) ? new ChatEndpoint(client.Options.Model, client.Options.BaseUrl.ToString(), client.Options.MaxInFlight)
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("openai-compatible", client.Options.BaseUrl, client.Options.Model)
        : null;

    /// <inheritdoc />
    public Task<int?> CountTokensAsync(string text, CancellationToken cancellationToken = default) => client.CountTokensAsync(text, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => client.Dispose();
}
