namespace Lodestar.Llm.Client;

/// <summary>Where and how to reach an OpenAI-compatible server (SGLang, vLLM, llama.cpp, Ollama).</summary>
public sealed record EndpointOptions
{
    /// <summary>Base URL, such as <c>http://127.0.0.1:30000</c>; <c>/v1/...</c> paths are appended.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The model name the server serves.</summary>
    public required string Model { get; init; }

    /// <summary>Sent as a bearer token when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>TCP connect timeout.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one attempt, from sending to the end of the body (generation can be slow).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries after the first attempt, for 429, 5xx, timeouts, dropped connections and malformed JSON.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>First retry delay; each next one doubles, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Requests in flight at once, across all callers of one client.</summary>
    public int MaxInFlight { get; init; } = 64;
}
