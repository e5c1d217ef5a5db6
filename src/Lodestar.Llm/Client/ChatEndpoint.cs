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
