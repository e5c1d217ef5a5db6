namespace Lodestar.Server.Reranking;

/// <summary>The LLM backend failed: answered 502 (it answered wrongly) or 503 (it could not be reached in time).</summary>
/// <param name="status">502 or 503.</param>
/// <param name="message">The cause: endpoint, model, status and the body's start, as the client reported it.</param>
public sealed class BackendException(int status, string message) : Exception(message)
{
    /// <summary>The HTTP status the service answers with.</summary>
    public int Status { get; } = status;
}
