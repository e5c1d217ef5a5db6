namespace Lodestar.Model;

/// <summary>One query with what BRIGHT attaches to it.</summary>
/// <param name="Id">The topic id.</param>
/// <param name="Text">The query text.</param>
/// <param name="ExcludedIds">Documents never to return for this topic (BRIGHT's <c>excluded_ids</c>, "N/A" dropped).</param>
/// <param name="GoldIds">BRIGHT's relevant documents, empty for other formats.</param>
/// <param name="GoldIdsLong">BRIGHT's relevant long documents, empty for other formats.</param>
/// <param name="Tokens">The query's terms when it comes pre-analyzed (<c>tokens</c>), else null.</param>
public sealed record Topic(
    string Id,
    string Text,
    IReadOnlyList<string> ExcludedIds,
    IReadOnlyList<string> GoldIds,
    IReadOnlyList<string> GoldIdsLong,
    IReadOnlyList<string>? Tokens = null)
{
    /// <summary>A topic with only an id and a text.</summary>
    public Topic(string id, string text)
        : this(id, text, [], [], [])
    {
    }
}
