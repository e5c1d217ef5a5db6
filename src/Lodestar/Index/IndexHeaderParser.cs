using System.Text.Json;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>
/// Reads <c>lodestar-index.json</c> with a <see cref="Utf8JsonReader"/> straight into an <see cref="IndexHeader"/>.
/// </summary>
/// <remarks>
/// The source-generated serializer still writes the header; reading it through <see cref="JsonSerializer"/> first
/// configured the serializer's metadata for the type (converters, properties, polymorphism attributes), a few
/// milliseconds of every one-query search in the native build, more than the parse. Property names are those the
/// writer's camel-case policy gives; unknown properties are skipped, as the serializer skipped them; a missing
/// required one is reported. <c>IndexHeaderTests</c> pins that what the writer writes is read back field for field.
/// </remarks>
internal static class IndexHeaderParser
{
    /// <summary>Parses a header's JSON (already checked against its checksum line).</summary>
    /// <param name="json">The JSON.</param>
    /// <param name="path">The header file, for errors.</param>
    /// <exception cref="IndexCorruptException">Not a header: malformed, or a required property is missing.</exception>
    public static IndexHeader Parse(ReadOnlySpan<byte> json, string path)
    {
        try
        {
            return ParseCore(json, path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new IndexCorruptException(path, $"the header is not a Lodestar index header: {e.Message}");
        }
    }

    private static IndexHeader ParseCore(ReadOnlySpan<byte> json, string path)
    {
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        string? format = null, analyzer = null, unicode = null, createdBy = null, source = null;
        int? formatVersion = null, analyzerVersion = null, documents = null, nonEmpty = null, terms = null, blockSize = null;
        long? totalTerms = null, postings = null;
        Dictionary<string, BlockChecksums>? files = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            Next(ref reader);
            switch (name)
            {
                case "format": format = reader.GetString(); break;
                case "formatVersion": formatVersion = reader.GetInt32(); break;
                case "analyzer": analyzer = reader.GetString(); break;
                case "analyzerVersion": analyzerVersion = reader.GetInt32(); break;
                case "unicodeVersion": unicode = reader.GetString(); break;
                case "documentCount": documents = reader.GetInt32(); break;
                case "nonEmptyDocumentCount": nonEmpty = reader.GetInt32(); break;
                case "totalTerms": totalTerms = reader.GetInt64(); break;
                case "termCount": terms = reader.GetInt32(); break;
                case "postingCount": postings = reader.GetInt64(); break;
                case "createdBy": createdBy = reader.GetString(); break;
                case "source": source = reader.GetString(); break;
                case "blockSize": blockSize = reader.GetInt32(); break;
                case "files": files = ReadFiles(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException($"expected the end of the header object, found {reader.TokenType}");
        }

        // format and version first: an index of another format gets the rebuild message, whatever else it holds
        var header = new IndexHeader
        {
            Format = format ?? "",
            FormatVersion = formatVersion ?? 0,
            Analyzer = analyzer ?? "",
            AnalyzerVersion = analyzerVersion ?? 0,
            UnicodeVersion = unicode ?? "",
            DocumentCount = documents ?? 0,
            NonEmptyDocumentCount = nonEmpty ?? 0,
            TotalTerms = totalTerms ?? 0,
            TermCount = terms ?? 0,
            PostingCount = postings ?? 0,
            CreatedBy = createdBy ?? "",
            Source = source ?? "",
            BlockSize = blockSize ?? 0,
            Files = files ?? [],
        };
        IndexHeader.CheckFormat(header, path);
        string? absent = analyzer is null ? "analyzer" : analyzerVersion is null ? "analyzerVersion" : documents is null ? "documentCount"
            : nonEmpty is null ? "nonEmptyDocumentCount" : totalTerms is null ? "totalTerms" : terms is null ? "termCount"
            : postings is null ? "postingCount" : files is null ? "files" : null;
        return absent is null ? header : throw new JsonException($"the property '{absent}' is missing");
    }

    private static Dictionary<string, BlockChecksums> ReadFiles(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"'files': expected an object, found {reader.TokenType}");
        }

        var files = new Dictionary<string, BlockChecksums>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string file = reader.GetString()!;
            Expect(ref reader, JsonTokenType.StartObject);
            long? bytes = null;
            uint[]? crcs = null;
            int size = BlockFile.BlockSize; // format 2 has one block size for every file
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                Next(ref reader);
                switch (name)
                {
                    case "bytes": bytes = reader.GetInt64(); break;
                    case "crc32c": crcs = ReadCrcs(ref reader); break;
                    case "blockSize": size = reader.GetInt32(); break;
                    default: reader.Skip(); break;
                }
            }

            files[file] = new BlockChecksums(bytes ?? throw new JsonException($"'{file}': the property 'bytes' is missing"),
                crcs ?? throw new JsonException($"'{file}': the property 'crc32c' is missing"), size);
        }

        return files;
    }

    private static uint[] ReadCrcs(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"'crc32c': expected an array, found {reader.TokenType}");
        }

        var crcs = new List<uint>();
        while (Next(ref reader) == JsonTokenType.Number)
        {
            crcs.Add(reader.GetUInt32());
        }

        return reader.TokenType == JsonTokenType.EndArray ? [.. crcs] : throw new JsonException($"'crc32c': expected a number, found {reader.TokenType}");
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("the header ends early");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type)
        {
            throw new JsonException($"expected {type}, found {reader.TokenType}");
        }
    }
}
