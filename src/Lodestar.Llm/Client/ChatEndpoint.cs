namespace Lodestar.Llm.Client;

/// <summary>
/// What a chat client tells the reranker about itself through <c>GetService</c>: the model and endpoint recorded
/// with every judgment, and how many requests it serves at once.
/// </summary>
/// <param name="Model">The model name.</param>
/// <param name="Endpoint">The server's base URL, or <c>file://…gguf</c> for the embedded engine.</param>
/// <param name="MaxInFlight">Requests worth sending at once.</param>
public sealed record ChatEndpoint(string Model, string Endpoint, int MaxInFlight);

/// <summary>Counts the tokens of a text the way the model will see it (optional service of a chat client).</summary>
public interface ITokenCounter
{
    /// <summary>The token count, or null when the backend cannot count.</summary>
    public Task<int?> CountTokensAsync(string text, CancellationToken cancellationToken = default);
}

/// <summary>Streaming for clients that produce whole answers (reranking needs whole answers).</summary>
internal static class WholeResponses
{
    /// <summary>The response of <paramref name="response"/> as its updates, all at once when it completes.</summary>
    public static async IAsyncEnumerable<Microsoft.Extensions.AI.ChatResponseUpdate> AsUpdates(Task<Microsoft.Extensions.AI.ChatResponse> response)
    {
        foreach (Microsoft.Extensions.AI.ChatResponseUpdate update in (await response.ConfigureAwait(false)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }
}
