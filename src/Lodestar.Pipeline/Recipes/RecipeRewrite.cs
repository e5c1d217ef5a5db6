using Lodestar.Errors;
using Lodestar.Rerank.Thinking;
using Lodestar.Rewrite;

namespace Lodestar.Pipeline.Recipes;

/// <summary>A query rewrite: <c>bright-reason</c>, <c>hyde</c>, <c>query2doc</c> or <c>multi:N</c>. Retrievers name
/// its topics as <c>NAME</c> (or <c>NAME.1</c> … <c>NAME.N</c> for <c>multi:N</c>).</summary>
/// <param name="Position">Where it is written.</param>
public sealed record RecipeRewrite(SourcePosition Position) : RecipeNode(Position)
{
    /// <summary>The method.</summary>
    public required RewriteMethod Method { get; init; }

    /// <summary>Thinking control (the model's default when not given).</summary>
    public ThinkingMode Thinking { get; init; } = ThinkingMode.Default;

    /// <summary>The names of the topic sets it makes.</summary>
    public IEnumerable<string> Outputs => Method.Count == 1 ? [Name] : Enumerable.Range(1, Method.Count).Select(i => $"{Name}.{i}");
}
