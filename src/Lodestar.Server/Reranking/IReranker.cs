namespace Lodestar.Server.Reranking;

/// <summary>A reranking method the service offers under a name (the request's <c>method</c> field).</summary>
/// <remarks>
/// Retro* is the first; a listwise reranker plugs in by implementing this and being added to
/// <see cref="RerankerRegistry"/>. Implementations are thread-safe: one instance serves concurrent requests.
/// </remarks>
public interface IReranker
{
    /// <summary>The method's name in requests, such as <c>retro-star</c>.</summary>
    public string Method { get; }

    /// <summary>Scores the candidates for the query and orders them, best first.</summary>
    /// <exception cref="BackendException">The LLM backend failed for at least one candidate after its retries.</exception>
    public Task<RerankOutcome> RerankAsync(RerankInput input, CancellationToken cancellationToken);
}
