namespace Lodestar.Rerank.RetroStar;

/// <summary>
/// The exact Retro* prompt (the checkpoints were trained on these bytes): the template of the Retro* contract, filled
/// with a <see cref="RelevanceDefinition"/>, a query and a document.
/// </summary>
/// <remarks>
/// The definition's fields are filled first; the query and the document are then placed at their slots in the
/// frame, so text inside them that looks like a placeholder is never replaced. Truncation cuts the document first,
/// then the query, so the frame (instructions, <c>[End of Document]</c>) always survives.
/// </remarks>
public static class RetroStarPrompt
{
    private const string QuerySlot = "{query}\n[End of Query]";
    private const string DocSlot = "{doc}\n[End of Document]";

    /// <summary>The template, byte for byte as the contract gives it.</summary>
    public static string Template { get; } = LoadTemplate();

    /// <summary>Builds the prompt with no length limit.</summary>
    public static string Build(RelevanceDefinition definition, string query, string doc) =>
        Build(definition, query, doc, int.MaxValue, out _);

    /// <summary>Builds the prompt within <paramref name="maxChars"/> characters, cutting the document, then the query.</summary>
    /// <param name="definition">The relevance definition.</param>
    /// <param name="query">The query text.</param>
    /// <param name="doc">The document text.</param>
    /// <param name="maxChars">The character budget of the whole prompt (a documented stand-in for tokens when the
    /// server has no tokenizer endpoint).</param>
    /// <param name="truncated">Whether the query or the document was cut.</param>
    /// <exception cref="ArgumentOutOfRangeException">The budget cannot hold even the empty frame.</exception>
    public static string Build(RelevanceDefinition definition, string query, string doc, int maxChars, out bool truncated)
    {
        string frame = Template
            .Replace("{relevance_definition}", definition.Definition, StringComparison.Ordinal)
            .Replace("{query_type}", definition.QueryType, StringComparison.Ordinal)
            .Replace("{doc_type}", definition.DocType, StringComparison.Ordinal);
        int fixedChars = frame.Length - "{query}".Length - "{doc}".Length;
        if (maxChars < fixedChars)
        {
            throw new ArgumentOutOfRangeException(nameof(maxChars), maxChars, $"the prompt budget must hold the template's frame of {fixedChars} characters");
        }

        int room = maxChars - fixedChars;
        truncated = query.Length + doc.Length > room;
        if (truncated)
        {
            doc = Cut(doc, Math.Max(0, room - query.Length));
            query = Cut(query, room - doc.Length);
        }

        int q = frame.IndexOf(QuerySlot, StringComparison.Ordinal);
        frame = string.Concat(frame.AsSpan(0, q), query, frame.AsSpan(q + "{query}".Length));
        int d = frame.IndexOf(DocSlot, q + query.Length, StringComparison.Ordinal);
        return string.Concat(frame.AsSpan(0, d), doc, frame.AsSpan(d + "{doc}".Length));
    }

    /// <summary>The first <paramref name="length"/> characters, never splitting a surrogate pair.</summary>
    private static string Cut(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        if (length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return text[..length];
    }

    private static string LoadTemplate()
    {
        using Stream stream = typeof(RetroStarPrompt).Assembly.GetManifestResourceStream("retro-star-prompt.txt")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
