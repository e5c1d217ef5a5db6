using System.Text.Json;

namespace Lodestar.Server.Api;

/// <summary>Lodestar's extra rerank fields, which standard clients may omit.</summary>
public abstract record LodestarRerankFields
{
    /// <summary>The reranking method (<c>retro-star</c>; others as they are added); default: the server's.</summary>
    public string? Method { get; init; }

    /// <summary>K, samples per (query, document) pair; default: the server's.</summary>
    public int? Samples { get; init; }

    /// <summary>A BRIGHT task whose relevance definition to use (such as <c>biology</c>).</summary>
    public string? Task { get; init; }

    /// <summary>A custom relevance definition (overrides <see cref="Task"/>).</summary>
    public RelevanceFields? Relevance { get; init; }
}

/// <summary>A custom relevance definition: what the query and documents are and what makes one relevant.</summary>
public sealed record RelevanceFields
{
    /// <summary>Such as "biology post".</summary>
    public string? QueryType { get; init; }

    /// <summary>Such as "document".</summary>
    public string? DocType { get; init; }

    /// <summary>The definition's text.</summary>
    public string? Definition { get; init; }
}

/// <summary>Cohere's rerank request (v1 and v2; vLLM and SGLang take the same).</summary>
public sealed record CohereRerankRequest : LodestarRerankFields
{
    /// <summary>The model name (echoed; the server's model answers).</summary>
    public string? Model { get; init; }

    /// <summary>The query.</summary>
    public string? Query { get; init; }

    /// <summary>Documents: strings, or objects with a <c>text</c> field.</summary>
    public List<JsonElement>? Documents { get; init; }

    /// <summary>Results to return (default all).</summary>
    public int? TopN { get; init; }

    /// <summary>v1: include each document's text in the results.</summary>
    public bool? ReturnDocuments { get; init; }

    /// <summary>v2: each document is cut to this many tokens (4 characters a token).</summary>
    public int? MaxTokensPerDoc { get; init; }
}

/// <summary>A Cohere rerank result.</summary>
/// <param name="Index">The document's position in the request.</param>
/// <param name="RelevanceScore">The integrated score scaled to 0–1.</param>
/// <param name="Document">The document, when asked for.</param>
public sealed record CohereResult(int Index, double RelevanceScore, CohereDocument? Document);

/// <summary>A returned document.</summary>
/// <param name="Text">Its text.</param>
public sealed record CohereDocument(string Text);

/// <summary>Cohere's response: <c>{id, results, meta}</c>, plus vLLM's <c>model</c> and <c>usage</c>.</summary>
/// <param name="Id">A request id.</param>
/// <param name="Results">Best first.</param>
/// <param name="Meta">API version and billed units.</param>
/// <param name="Model">The model that judged.</param>
/// <param name="Usage">Tokens of the new LLM requests.</param>
/// <param name="Lodestar">Lodestar's own counts (samples asked and found in the store, unscored documents).</param>
public sealed record CohereRerankResponse(string Id, List<CohereResult> Results, CohereMeta Meta, string Model, RerankUsage Usage, LodestarMeta Lodestar);

/// <summary>Cohere's <c>meta</c>.</summary>
/// <param name="ApiVersion">The API version.</param>
/// <param name="BilledUnits">Search units (one per request).</param>
public sealed record CohereMeta(CohereApiVersion ApiVersion, CohereBilledUnits BilledUnits);

/// <summary>Cohere's <c>api_version</c>.</summary>
/// <param name="Version">"1" or "2".</param>
public sealed record CohereApiVersion(string Version);

/// <summary>Cohere's <c>billed_units</c>.</summary>
/// <param name="SearchUnits">One per request.</param>
public sealed record CohereBilledUnits(int SearchUnits);

/// <summary>vLLM's <c>usage</c>.</summary>
/// <param name="PromptTokens">Tokens in.</param>
/// <param name="CompletionTokens">Tokens out.</param>
/// <param name="TotalTokens">Both.</param>
public sealed record RerankUsage(long PromptTokens, long CompletionTokens, long TotalTokens);

/// <summary>What Lodestar did for a rerank.</summary>
/// <param name="Method">The method.</param>
/// <param name="Samples">K.</param>
/// <param name="Requested">Samples asked of the model.</param>
/// <param name="Reused">Samples answered by the judgment store.</param>
/// <param name="Unparseable">Samples without a score tag.</param>
/// <param name="Unscored">Documents without any parsed sample (ranked last, relevance 0).</param>
public sealed record LodestarMeta(string Method, int Samples, long Requested, long Reused, long Unparseable, int Unscored);

/// <summary>Hugging Face TEI's rerank request.</summary>
public sealed record TeiRerankRequest : LodestarRerankFields
{
    /// <summary>The query.</summary>
    public string? Query { get; init; }

    /// <summary>The documents.</summary>
    public List<string>? Texts { get; init; }

    /// <summary>Scores on Retro*'s 0–100 scale instead of 0–1.</summary>
    public bool? RawScores { get; init; }

    /// <summary>Include each text.</summary>
    public bool? ReturnText { get; init; }

    /// <summary>Accepted; documents are always cut to the prompt budget.</summary>
    public bool? Truncate { get; init; }

    /// <summary>Accepted; documents are cut at the end.</summary>
    public string? TruncationDirection { get; init; }
}

/// <summary>One TEI result.</summary>
/// <param name="Index">The text's position in the request.</param>
/// <param name="Score">0–1 (or 0–100 with raw_scores).</param>
/// <param name="Text">The text, when asked for.</param>
public sealed record TeiResult(int Index, double Score, string? Text);
