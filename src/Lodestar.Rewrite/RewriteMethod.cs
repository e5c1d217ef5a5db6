using System.Globalization;

namespace Lodestar.Rewrite;

/// <summary>A query rewriting method and how many rewrites it makes per topic.</summary>
/// <param name="Kind">The method.</param>
/// <param name="Count">Rewrites per topic (1 except for <see cref="RewriteKind.Multi"/>).</param>
public readonly record struct RewriteMethod(RewriteKind Kind, int Count)
{
    /// <summary>Parses <c>bright-reason</c>, <c>hyde</c>, <c>query2doc</c> or <c>multi:N</c>.</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static RewriteMethod Parse(string spec) => spec switch
    {
        "bright-reason" => new(RewriteKind.BrightReason, 1),
        "hyde" => new(RewriteKind.Hyde, 1),
        "query2doc" => new(RewriteKind.Query2Doc, 1),
        _ when spec.StartsWith("multi:", StringComparison.Ordinal)
            && int.TryParse(spec.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 64 => new(RewriteKind.Multi, n),
        _ => throw new ArgumentException($"bad --method '{spec}', expected bright-reason, hyde, query2doc or multi:N with N from 1 to 64"),
    };

    /// <summary>As written on the command line.</summary>
    public override string ToString() => Kind switch
    {
        RewriteKind.BrightReason => "bright-reason",
        RewriteKind.Hyde => "hyde",
        RewriteKind.Query2Doc => "query2doc",
        _ => $"multi:{Count}",
    };
}

/// <summary>The rewriting methods.</summary>
public enum RewriteKind
{
    /// <summary>BRIGHT's reasoning query (Su et al. 2024): the problem, step-by-step reasoning and a draft answer
    /// replace the query.</summary>
    BrightReason,

    /// <summary>HyDE (Gao et al. 2023): a hypothetical document written to answer the query replaces it.</summary>
    Hyde,

    /// <summary>query2doc (Wang et al. 2023): the query repeated five times, then a pseudo-document (their sparse
    /// recipe).</summary>
    Query2Doc,

    /// <summary>N diverse rewrites (sampled answers of one prompt), for fusion of N runs.</summary>
    Multi,
}
