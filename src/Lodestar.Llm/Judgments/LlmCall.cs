namespace Lodestar.Llm.Judgments;

/// <summary>
/// One stored answer of a generic LLM call (a query rewrite, a listwise window, an MCTS step): what was asked, under
/// which settings, and what came back, thinking included.
/// </summary>
/// <param name="Key">SHA-256 of model, parameters, seed and prompt: what makes two answers interchangeable.</param>
/// <param name="SampleIndex">0-based index among the key's answers.</param>
/// <param name="Purpose">What the call was for, such as <c>rewrite:hyde</c> or <c>synth:reflect</c> (for reports).</param>
/// <param name="Model">The model name.</param>
/// <param name="Endpoint">The server URL, or <c>file://…gguf</c> for the embedded engine.</param>
/// <param name="Parameters">The sampling parameters as canonical JSON.</param>
/// <param name="Seed">The seed of the request that drew this answer.</param>
/// <param name="PromptSha256">SHA-256 of the messages as canonical JSON.</param>
/// <param name="Text">The whole answer, <c>&lt;think&gt;</c> blocks included.</param>
/// <param name="FinishReason"><c>stop</c>, <c>length</c> or what the backend said; null when it said nothing.</param>
/// <param name="PromptTokens">Tokens in, as the backend counted them for the request.</param>
/// <param name="CompletionTokens">Tokens out of this answer (the request's count divided among its answers when
/// the backend reports only a total; see <paramref name="TokensEstimated"/>).</param>
/// <param name="TokensEstimated">Whether <paramref name="CompletionTokens"/> is a share of a request total.</param>
/// <param name="LatencyMs">Wall time of the request.</param>
public sealed record LlmCall(
    string Key, int SampleIndex, string Purpose, string Model, string Endpoint, string Parameters, long Seed,
    string PromptSha256, string Text, string? FinishReason, long PromptTokens, long CompletionTokens, bool TokensEstimated,
    double LatencyMs);
