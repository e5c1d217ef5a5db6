using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>How a header's last line checks the JSON above it.</summary>
internal enum HeaderChecksum
{
    /// <summary><c>sha256 HEX</c>: the vector index, and BM25 indexes of format 2.</summary>
    Sha256,

    /// <summary><c>crc32c HEX</c> (eight hex digits): BM25 indexes from format 3. Checked without loading a
    /// cryptography library, which took several milliseconds of a one-query search's start (OpenSSL's
    /// <c>libcrypto</c> and its configuration); the header is guarded against damage, not against a forger, as the
    /// data files' block CRCs are.</summary>
    Crc32C,
}

/// <summary>
/// The header files of Lodestar's indexes: indented JSON followed by a line <c>sha256 HEX</c> or <c>crc32c HEX</c>,
/// the checksum of the JSON itself, so that an edited or damaged header is caught before anything it describes is read.
/// </summary>
internal static class ChecksummedJson
{
    private const string Sha256Line = "\nsha256 ";
    private const string Crc32CLine = "\ncrc32c ";

    /// <summary>Writes <paramref name="value"/> and its checksum line to <paramref name="path"/>.</summary>
    public static void Write<T>(string path, T value, JsonTypeInfo<T> type, HeaderChecksum checksum = HeaderChecksum.Sha256)
    {
        string json = JsonSerializer.Serialize(value, type);
        File.WriteAllText(path, json + ChecksumLine(Encoding.UTF8.GetBytes(json), checksum) + "\n", new UTF8Encoding(false));
    }

    /// <summary>The checksum line (without its final newline) that follows <paramref name="json"/>.</summary>
    public static string ChecksumLine(ReadOnlySpan<byte> json, HeaderChecksum checksum) => checksum == HeaderChecksum.Crc32C
        ? Crc32CLine + Crc32C.Compute(json).ToString("x8", System.Globalization.CultureInfo.InvariantCulture)
        : Sha256Line + IndexHeader.Sha256Hex(json);

    /// <summary>Reads and checks a header.</summary>
    /// <param name="path">The header file.</param>
    /// <param name="type">The header type's source-generated JSON contract.</param>
    /// <param name="missing">The message when the file is absent.</param>
    /// <exception cref="IndexCorruptException">Absent, or the checksum does not match.</exception>
    public static T Read<T>(string path, JsonTypeInfo<T> type, string missing) =>
        JsonSerializer.Deserialize(ReadChecked(path, missing, out _).Span, type) ?? throw new IndexCorruptException(path, "empty header");

    /// <summary>The JSON of a header whose checksum line (either kind) matches it.</summary>
    /// <param name="path">The header file.</param>
    /// <param name="missing">The message when the file is absent.</param>
    /// <param name="checksum">Which kind of line the header has.</param>
    /// <exception cref="IndexCorruptException">Absent, or the checksum does not match.</exception>
    /// <remarks>The JSON is returned in the buffer the file was read into, not copied: at 151 KB (format 3 at 534k
    /// documents with 64 KiB postings blocks, 202 KB with 4 KiB ones) each copy is 37–50 pages of fresh memory, about a
    /// millisecond of a one-query search.</remarks>
    public static ReadOnlyMemory<byte> ReadChecked(string path, string missing, out HeaderChecksum checksum)
    {
        if (!File.Exists(path))
        {
            throw new IndexCorruptException(path, missing);
        }

        byte[] text = File.ReadAllBytes(path);
        int cut = LastLine(text);
        checksum = cut >= 0 && text.AsSpan(cut).StartsWith("\ncrc32c "u8) ? HeaderChecksum.Crc32C : HeaderChecksum.Sha256;
        ReadOnlySpan<byte> json = cut < 0 ? [] : text.AsSpan(0, cut);
        // exactly the line the writer wrote: a changed byte anywhere, even in the final newline, is an alteration
        if (cut < 0 || !text.AsSpan(cut).SequenceEqual(Encoding.ASCII.GetBytes(ChecksumLine(json, checksum) + "\n")))
        {
            throw new IndexCorruptException(path, "the header's checksum does not match its contents");
        }

        return text.AsMemory(0, cut);
    }

    /// <summary>Where the last line's preceding newline is, or −1 when the text does not end with a newline after one.</summary>
    private static int LastLine(byte[] text)
    {
        if (text.Length < 2 || text[^1] != (byte)'\n')
        {
            return -1;
        }

        return Array.LastIndexOf(text, (byte)'\n', text.Length - 2);
    }
}
