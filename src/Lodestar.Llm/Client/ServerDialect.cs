using System.Text.Json;

namespace Lodestar.Llm.Client;

/// <summary>Which OpenAI-compatible server answered, told from fields only it puts in a chat completion.</summary>
internal enum ServerDialect
{
    /// <summary>Not recognized.</summary>
    Other,

    /// <summary>llama.cpp's llama-server: a <c>timings</c> object beside <c>usage</c>.</summary>
    LlamaCpp,

    /// <summary>vLLM: <c>prompt_logprobs</c> or <c>kv_transfer_params</c> at the top level.</summary>
    Vllm,

    /// <summary>SGLang: <c>matched_stop</c> in the choices.</summary>
    SgLang,
}

/// <summary>Recognizes <see cref="ServerDialect"/>.</summary>
internal static class ServerDialects
{
    /// <summary>The dialect of a parsed chat completion.</summary>
    internal static ServerDialect Of(JsonElement root) =>
        root.TryGetProperty("timings", out JsonElement t) && t.ValueKind == JsonValueKind.Object ? ServerDialect.LlamaCpp
        : root.TryGetProperty("prompt_logprobs", out _) || root.TryGetProperty("kv_transfer_params", out _) ? ServerDialect.Vllm
        : root.TryGetProperty("choices", out JsonElement c) && c.ValueKind == JsonValueKind.Array && c.GetArrayLength() > 0
          && c[0].TryGetProperty("matched_stop", out _) ? ServerDialect.SgLang
        : ServerDialect.Other;
}
