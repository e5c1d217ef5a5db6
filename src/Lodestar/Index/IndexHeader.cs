using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>
/// The index's description, written as <c>lodestar-index.json</c>: format version, analyzer, collection statistics,
/// and the size and per-block CRC-32C of every other file. A last line holds the CRC-32C of the JSON itself (SHA-256 up
/// to format 2).
/// </summary>
public sealed record IndexHeader
{
    /// <summary>The header's file name.</summary>
    public const string FileName = "lodestar-index.json";

    /// <summary>The format this code writes. Format 3 checks the header with a CRC-32C line instead of SHA-256 (no
    /// cryptography library at open) and checksums the term dictionary and the external ids in 4 KiB blocks (each
    /// file's <see cref="BlockChecksums.BlockSize"/>); its data files are byte for byte format 2's, so format 2
    /// indexes are still read. Format 2
    /// (memory-mapped files with per-block CRC-32C, the term and id offset tables <c>terms.idx</c> and
    /// <c>docids.idx</c>) replaced format 1 (whole-file SHA-256 at open).</summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>The oldest format this code reads.</summary>
    public const int OldestReadableFormatVersion = 2;

    /// <summary>Always <c>lodestar-bm25</c>.</summary>
    public string Format { get; init; } = "lodestar-bm25";

    /// <summary>Bumped on any change of the layout of the files.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The analyzer's registry name.</summary>
    public required string Analyzer { get; init; }

    /// <summary>The analyzer's version.</summary>
    public required int AnalyzerVersion { get; init; }

    /// <summary>The Unicode version of the tokenizer's tables.</summary>
    public string UnicodeVersion { get; init; } = Lodestar.Analysis.WordBreakData.UnicodeVersion;

    /// <summary>N: documents in the index, empty ones included.</summary>
    public required int DocumentCount { get; init; }

    /// <summary>Documents with at least one term (Lucene's docCount).</summary>
    public required int NonEmptyDocumentCount { get; init; }

    /// <summary>Sum of document lengths in terms.</summary>
    public required long TotalTerms { get; init; }

    /// <summary>Distinct terms.</summary>
    public required int TermCount { get; init; }

    /// <summary>Postings (term, document) pairs.</summary>
    public required long PostingCount { get; init; }

    /// <summary>What built the index.</summary>
    public string CreatedBy { get; init; } = "lodestar " + typeof(IndexHeader).Assembly.GetName().Version;

    /// <summary>Where the documents came from.</summary>
    public string Source { get; init; } = "";

    /// <summary>Bytes per checksummed block of the data files that do not give their own (all of them in format 2).</summary>
    public int BlockSize { get; init; } = BlockFile.BlockSize;

    /// <summary>Per data file: size in bytes and the CRC-32C of each block.</summary>
    public required Dictionary<string, BlockChecksums> Files { get; init; }

    /// <summary>Writes the header with its own checksum line.</summary>
    public void Write(string directory) =>
        ChecksummedJson.Write(Path.Combine(directory, FileName), this, IndexHeaderJson.Default.IndexHeader, HeaderChecksum.Crc32C);

    /// <summary>Reads and checks the header of the index in <paramref name="directory"/>.</summary>
    /// <exception cref="IndexCorruptException">Missing, altered, or of another format version.</exception>
    public static IndexHeader Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!Directory.Exists(directory))
        {
            ThrowHelper.Input(directory, 0, 0, File.Exists(directory) ? "expected an index folder, found a file" : "index not found: no such folder");
        }

        ReadOnlyMemory<byte> json = ChecksummedJson.ReadChecked(path, "no index header; is this a Lodestar index?", out _);
        return IndexHeaderParser.Parse(json.Span, path);
    }

    /// <summary>Throws unless the header is of a format and block size this code reads.</summary>
    /// <exception cref="IndexCorruptException">Another format, version or block size.</exception>
    internal static void CheckFormat(IndexHeader header, string path)
    {
        if (header.Format != "lodestar-bm25" || header.FormatVersion < OldestReadableFormatVersion || header.FormatVersion > CurrentFormatVersion
            || header.BlockSize != BlockFile.BlockSize)
        {
            throw new IndexCorruptException(path,
                $"expected format lodestar-bm25 version {OldestReadableFormatVersion}–{CurrentFormatVersion}, found {header.Format} version {header.FormatVersion}; " +
                "rebuild the index with this version (lodestar index CORPUS -o INDEX --overwrite)");
        }
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="data"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Lower-case hex SHA-256 of a file, read as a stream.</summary>
    public static string Sha256HexOfFile(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>The header's JSON, generated at compile time (no reflection: fast to start, and trimming-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(IndexHeader))]
internal sealed partial class IndexHeaderJson : JsonSerializerContext;

/// <summary>Size and SHA-256 of one file (the dense vector index's header uses it).</summary>
/// <param name="Bytes">Length in bytes.</param>
/// <param name="Sha256">Lower-case hex digest.</param>
public sealed record FileChecksum(long Bytes, string Sha256);
