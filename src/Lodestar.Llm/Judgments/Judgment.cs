namespace Lodestar.Llm.Judgments;

/// <summary>One stored sample: a model's answer about one (topic, document) pair under one set of settings.</summary>
/// <param name="Key">SHA-256 of model, sampling parameters and prompt: what makes two samples interchangeable.</param>
/// <param name="SampleIndex">0-based index among the pair's samples.</param>
/// <param name="Topic">The topic id.</param>
/// <param name="Doc">The document id.</param>
/// <param name="Model">The model name.</param>
/// <param name="Endpoint">The server URL.</param>
/// <param name="PromptSha256">SHA-256 of the exact prompt.</param>
/// <param name="Parameters">The sampling parameters as JSON.</param>
/// <param name="Seed">The request's seed.</param>
/// <param name="Raw">The model's whole answer.</param>
/// <param name="Score">The parsed score, or null when the answer was unparseable.</param>
/// <param name="Outcome">Parsed, Clamped or Unparseable.</param>
/// <param name="Truncated">Whether the prompt's query or document was cut to fit.</param>
/// <param name="PromptTokens">Tokens in (the request's, shared by its samples).</param>
/// <param name="CompletionTokens">Tokens out (the request's total divided among its samples).</param>
/// <param name="LatencyMs">Wall time of the request.</param>
public sealed record Judgment(
    string Key, int SampleIndex, string Topic, string Doc, string Model, string Endpoint, string PromptSha256,
    string Parameters, long Seed, string Raw, int? Score, string Outcome, bool Truncated, long PromptTokens,
    long CompletionTokens, double LatencyMs);
