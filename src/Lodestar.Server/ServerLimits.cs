namespace Lodestar.Server;

/// <summary>Limits on requests; each refusal is a ProblemDetails that names the limit (413 for the body, 422 for
/// the rest, 429 for concurrency).</summary>
public sealed record ServerLimits
{
    /// <summary>Largest request body in bytes.</summary>
    public long MaxBodyBytes { get; init; } = 8L << 20;

    /// <summary>Most documents in one rerank request.</summary>
    public int MaxDocuments { get; init; } = 1000;

    /// <summary>Longest document of a rerank request, in characters.</summary>
    public int MaxDocumentChars { get; init; } = 200_000;

    /// <summary>Longest query, in characters.</summary>
    public int MaxQueryChars { get; init; } = 20_000;

    /// <summary>Most hits a search returns.</summary>
    public int MaxK { get; init; } = 1000;

    /// <summary>Most hits a search may rerank.</summary>
    public int MaxRerankTop { get; init; } = 200;

    /// <summary>Largest K (samples per pair) a request may ask for.</summary>
    public int MaxSamples { get; init; } = 64;

    /// <summary>Requests one client (its API key, else its address) may have in progress; more get 429.</summary>
    public int MaxConcurrentPerClient { get; init; } = 64;

    /// <summary>Time a search or document request may take.</summary>
    public TimeSpan SearchTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time a request that calls the LLM may take.</summary>
    public TimeSpan RerankTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Time a client has to send the request headers (slow clients are cut off).</summary>
    public TimeSpan HeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
