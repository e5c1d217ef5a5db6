namespace Lodestar.Model;

/// <summary>One document of a corpus: its external id, its text, and its tokens when it comes pre-analyzed.</summary>
/// <param name="Id">The external id; any string, spaces included.</param>
/// <param name="Text">The text to index and to show a reranker (for pre-analyzed documents, the tokens joined).</param>
/// <param name="Tokens">The terms of a pre-analyzed document, or null when the analyzer makes them.</param>
public sealed record Document(string Id, string Text, IReadOnlyList<string>? Tokens = null);
