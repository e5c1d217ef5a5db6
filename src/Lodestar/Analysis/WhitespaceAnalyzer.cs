namespace Lodestar.Analysis;

/// <summary>
/// Splits on white space and does nothing else: the query-side analyzer of a pre-analyzed ("pretokenized") index,
/// whose documents arrive as token lists.
/// </summary>
public sealed class WhitespaceAnalyzer : Analyzer
{
    /// <summary>The registry name.</summary>
    public const string RegistryName = "pretokenized";

    /// <inheritdoc />
    public override string Name => RegistryName;

    /// <inheritdoc />
    public override int Version => 1;

    /// <inheritdoc />
    public override void Analyze(ReadOnlySpan<char> text, TermHandler onTerm)
    {
        foreach (Range r in text.SplitAny(" \t\r\n"))
        {
            if (!text[r].IsEmpty)
            {
                onTerm(text[r]);
            }
        }
    }
}
