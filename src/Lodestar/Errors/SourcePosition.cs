namespace Lodestar.Errors;

/// <summary>A 1-based position in an input file, printed as <c>path:line:col</c> like a compiler.</summary>
/// <param name="Path">The file as the user named it.</param>
/// <param name="Line">1-based line number; 0 when the problem concerns the whole file.</param>
/// <param name="Column">1-based column in characters (bytes for undecodable input); 0 when unknown.</param>
public readonly record struct SourcePosition(string Path, long Line, long Column)
{
    /// <inheritdoc />
    public override string ToString() =>
        Line <= 0 ? Path : Column <= 0 ? $"{Path}:{Line}" : $"{Path}:{Line}:{Column}";
}
