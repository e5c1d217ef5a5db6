using System.Text.Json;
using System.Text.Json.Serialization;
using Lodestar.Errors;
using Lodestar.Index;

namespace Lodestar.Dense;

/// <summary>
/// <c>lodestar-vectors.json</c>: what a flat vector index holds and the size and SHA-256 of each of its files, with
/// a checksum line of its own (the same rules as the BM25 index's header).
/// </summary>
public sealed record VectorIndexHeader
{
    /// <summary>The header's file name.</summary>
    public const string FileName = "lodestar-vectors.json";

    /// <summary>The format version this build writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Always <c>lodestar-vectors</c>.</summary>
    public string Format { get; init; } = "lodestar-vectors";

    /// <summary>The format version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The embedding model that made the vectors.</summary>
    public required string Model { get; init; }

    /// <summary>The embedding profile (query and document templates) the vectors were made with.</summary>
    public required string Profile { get; init; }

    /// <summary>The query template, so that search embeds queries the same way.</summary>
    public string QueryTemplate { get; init; } = "{query}";

    /// <summary>Vector length.</summary>
    public required int Dimension { get; init; }

    /// <summary>Vectors (documents).</summary>
    public required int Count { get; init; }

    /// <summary>Whether every vector has unit length.</summary>
    public required bool Normalized { get; init; }

    /// <summary>Whether the int8 copy (<c>vectors.i8</c>, <c>scales.f32</c>) is present.</summary>
    public required bool Int8 { get; init; }

    /// <summary>The tool that wrote it.</summary>
    public string CreatedBy { get; init; } = "lodestar " + typeof(VectorIndexHeader).Assembly.GetName().Version;

    /// <summary>Per data file: size and SHA-256.</summary>
    public required Dictionary<string, FileChecksum> Files { get; init; }

    /// <summary>Writes the header with its own checksum line.</summary>
    public void Write(string directory) => ChecksummedJson.Write(Path.Combine(directory, FileName), this, VectorIndexHeaderJson.Default.VectorIndexHeader);

    /// <summary>Reads and checks the header in <paramref name="directory"/>.</summary>
    /// <exception cref="IndexCorruptException">Missing, altered, or of another version.</exception>
    public static VectorIndexHeader Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!Directory.Exists(directory))
        {
            ThrowHelper.Input(directory, 0, 0, File.Exists(directory) ? "expected a vector index folder, found a file" : "vector index not found: no such folder");
        }

        VectorIndexHeader header = ChecksummedJson.Read(path, VectorIndexHeaderJson.Default.VectorIndexHeader, "no vector index header; is this a Lodestar vector index?");
        return header.Format == "lodestar-vectors" && header.FormatVersion == CurrentFormatVersion ? header
            : throw new IndexCorruptException(path, $"expected format lodestar-vectors version {CurrentFormatVersion}, found {header.Format} version {header.FormatVersion}");
    }
}

/// <summary>The vector index header's JSON, generated at compile time (trimming- and AOT-safe); the same options the
/// reflection serializer used (indented, camelCase), so headers written before read unchanged.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(VectorIndexHeader))]
internal sealed partial class VectorIndexHeaderJson : JsonSerializerContext;
