namespace Lodestar.Formats.Parquet;

/// <summary>A top-level column: a value, or a list of values (<c>list&lt;string&gt;</c> and the like).</summary>
/// <param name="Name">The field's name.</param>
/// <param name="Type">The physical type of its values.</param>
/// <param name="IsString">Byte arrays annotated as strings.</param>
/// <param name="IsList">A list column.</param>
/// <param name="Supported">Whether this reader can read it (one level of lists of values at most).</param>
public sealed record ParquetColumn(string Name, ParquetType Type, bool IsString, bool IsList, bool Supported);
