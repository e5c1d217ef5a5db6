using System.Text.Json;

namespace Lodestar.Rerank.RetroStar;

/// <summary>What "relevant" means for a collection: the query type, document type and definition that fill the
/// Retro* prompt. The 12 BRIGHT tasks have the authors' definitions; users can supply their own.</summary>
/// <param name="QueryType">Such as "biology post".</param>
/// <param name="DocType">Such as "passage".</param>
/// <param name="Definition">The relevance definition sentence.</param>
public sealed record RelevanceDefinition(string QueryType, string DocType, string Definition)
{
    /// <summary>The spec's definition for a collection it does not know.</summary>
    public static RelevanceDefinition Default { get; } = new("query", "document",
        "Given a query and a document, the document is relevant to the query if the document can help answer the query.");

    /// <summary>The 12 BRIGHT tasks' definitions, by task name (embedded copy of the Retro* contract).</summary>
    public static IReadOnlyDictionary<string, RelevanceDefinition> Bright { get; } = LoadBright();

    /// <summary>The definition of a BRIGHT task, or <see cref="Default"/> for any other name.</summary>
    public static RelevanceDefinition ForTask(string task) => Bright.TryGetValue(task, out RelevanceDefinition? d) ? d : Default;

    private static Dictionary<string, RelevanceDefinition> LoadBright()
    {
        using Stream stream = typeof(RelevanceDefinition).Assembly.GetManifestResourceStream("bright-relevance-definitions.json")!;
        using JsonDocument json = JsonDocument.Parse(stream);
        return json.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => new RelevanceDefinition(
                p.Value.GetProperty("query_type").GetString()!,
                p.Value.GetProperty("doc_type").GetString()!,
                p.Value.GetProperty("relevance_definition").GetString()!),
            StringComparer.Ordinal);
    }
}
