namespace Lodestar.Llm.Embedding;

/// <summary>
/// How a model wants its inputs: a query template with <c>{instruction}</c> and <c>{query}</c>, a document template
/// with <c>{text}</c> (and <c>{title}</c>), pooling and normalization for the embedded engine.
/// </summary>
/// <param name="Name">The profile's name.</param>
/// <param name="QueryTemplate">Query text, such as RaDeR's <c>query: {instruction}{query}</c>.</param>
/// <param name="DocumentTemplate">Document text, such as <c>document: {text}</c>.</param>
/// <param name="Instruction">Substituted for <c>{instruction}</c> (per task for RaDeR-style models).</param>
/// <param name="Pooling">Pooling for the embedded engine.</param>
/// <param name="Normalize">L2-normalize every vector (inner product is then cosine).</param>
public sealed record EmbeddingProfile(string Name, string QueryTemplate, string DocumentTemplate, string Instruction = "",
    Pooling Pooling = Pooling.Mean, bool Normalize = true)
{
    /// <summary>No prefixes, mean pooling.</summary>
    public static EmbeddingProfile Plain { get; } = new("plain", "{query}", "{text}");

    /// <summary>RaDeR: <c>query: {instruction}{query}</c> / <c>document: {text}</c>, last-token pooling (Qwen2 base).</summary>
    public static EmbeddingProfile Rader { get; } = new("rader", "query: {instruction}{query}", "document: {text}", Pooling: Pooling.Last);

    /// <summary>E5: <c>query: </c> / <c>passage: </c>, mean pooling.</summary>
    public static EmbeddingProfile E5 { get; } = new("e5", "query: {query}", "passage: {text}");

    /// <summary>BGE (English v1.5): an instruction before queries only, CLS pooling.</summary>
    public static EmbeddingProfile Bge { get; } = new("bge", "Represent this sentence for searching relevant passages: {query}", "{text}", Pooling: Pooling.Cls);

    /// <summary>The built-in profiles by name.</summary>
    public static IReadOnlyDictionary<string, EmbeddingProfile> BuiltIn { get; } = new Dictionary<string, EmbeddingProfile>(StringComparer.OrdinalIgnoreCase)
    {
        ["plain"] = Plain, ["rader"] = Rader, ["e5"] = E5, ["bge"] = Bge,
    };

    /// <summary>The text to embed for a query.</summary>
    public string Query(string query) => QueryTemplate.Replace("{instruction}", Instruction, StringComparison.Ordinal)
        .Replace("{query}", query, StringComparison.Ordinal);

    /// <summary>The text to embed for a document.</summary>
    public string Document(string text, string title = "") => DocumentTemplate.Replace("{title}", title, StringComparison.Ordinal)
        .Replace("{text}", text, StringComparison.Ordinal);
}

/// <summary>How token vectors become one text vector (llama.cpp's pooling types).</summary>
public enum Pooling
{
    /// <summary>Average of the token vectors.</summary>
    Mean = 1,

    /// <summary>The first token's vector (BERT's [CLS]).</summary>
    Cls = 2,

    /// <summary>The last token's vector (decoder models).</summary>
    Last = 3,
}
