namespace Lodestar.Llm.Client;

/// <summary>What went wrong with a request.</summary>
public enum LlmFailure
{
    /// <summary>The server answered with an HTTP error status.</summary>
    Http,

    /// <summary>No complete answer within the request timeout.</summary>
    Timeout,

    /// <summary>The connection failed or was dropped.</summary>
    Connection,

    /// <summary>The body was not the JSON the protocol promises.</summary>
    Malformed,

    /// <summary>The embedded engine failed (the prompt did not fit, or llama.cpp returned an error).</summary>
    Engine,
}

/// <summary>A failed LLM request: the message names the endpoint, the model, the status and the body's start.</summary>
public sealed class LlmException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlmException(LlmFailure kind, Uri endpoint, string model, int? status, string body, Exception? inner = null)
        : base($"{endpoint} (model {model}): {Describe(kind, status)}{(body.Length > 0 ? $": {Cut(body)}" : "")}", inner)
    {
        Kind = kind;
        Status = status;
    }

    /// <summary>Creates an exception for a failure with no HTTP exchange (the embedded engine).</summary>
    public LlmException(LlmFailure kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>The kind of failure.</summary>
    public LlmFailure Kind { get; }

    /// <summary>The HTTP status, when there was one.</summary>
    public int? Status { get; }

    /// <summary>Whether trying again may help: 429, 5xx, timeouts, dropped connections, malformed bodies.</summary>
    public bool IsTransient => Kind is LlmFailure.Timeout or LlmFailure.Connection or LlmFailure.Malformed || (Kind == LlmFailure.Http && Status is 429 or >= 500);

    private static string Describe(LlmFailure kind, int? status) => kind switch
    {
        LlmFailure.Http => $"HTTP {status}",
        LlmFailure.Timeout => "timed out",
        LlmFailure.Connection => "connection failed",
        _ => $"malformed response (HTTP {status})",
    };

    private static string Cut(string body) => body.Length <= 200 ? body : body[..200] + "…";
}
