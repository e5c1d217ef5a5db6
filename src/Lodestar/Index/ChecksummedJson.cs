using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>
/// The header files of Lodestar's indexes: indented JSON followed by a line <c>sha256 HEX</c>, the SHA-256 of the
/// JSON itself, so that an edited or damaged header is caught before anything it describes is read.
/// </summary>
internal static class ChecksummedJson
{
    /// <summary>Writes <paramref name="value"/> and its checksum line to <paramref name="path"/>.</summary>
    public static void Write<T>(string path, T value, JsonTypeInfo<T> type)
    {
        string json = JsonSerializer.Serialize(value, type);
        File.WriteAllText(path, json + "\nsha256 " + IndexHeader.Sha256Hex(Encoding.UTF8.GetBytes(json)) + "\n", new UTF8Encoding(false));
    }

    /// <summary>Reads and checks a header.</summary>
    /// <param name="path">The header file.</param>
    /// <param name="type">The header type's source-generated JSON contract.</param>
    /// <param name="missing">The message when the file is absent.</param>
    /// <exception cref="IndexCorruptException">Absent, or the checksum does not match.</exception>
    public static T Read<T>(string path, JsonTypeInfo<T> type, string missing)
    {
        if (!File.Exists(path))
        {
            throw new IndexCorruptException(path, missing);
        }

        string text = File.ReadAllText(path);
        int cut = text.LastIndexOf("\nsha256 ", StringComparison.Ordinal);
        // exactly the line the writer wrote: a changed byte anywhere, even in the final newline, is an alteration
        if (cut < 0 || IndexHeader.Sha256Hex(Encoding.UTF8.GetBytes(text[..cut])) + "\n" != text[(cut + 8)..])
        {
            throw new IndexCorruptException(path, "the header's checksum does not match its contents");
        }

        return JsonSerializer.Deserialize(text[..cut], type) ?? throw new IndexCorruptException(path, "empty header");
    }
}
