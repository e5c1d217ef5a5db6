using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Errors;
using Lodestar.Formats;

namespace Lodestar.Synthesis.Data;

/// <summary>JSON Lines in and out: malformed lines are <see cref="InputException"/>s at their line and column.</summary>
public static class Jsonl
{
    /// <summary>Writer options: compact, non-ASCII kept as is, so files diff well and read back byte-identically.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The objects of <paramref name="path"/> with their 1-based line numbers; blank lines are skipped.</summary>
    /// <exception cref="InputException">A line is not a JSON object.</exception>
    public static IEnumerable<(long Line, JsonObject Value)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException(new SourcePosition(path, 0, 0), "no such file");
        }

        using var reader = new LineReader(path);
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                string message = e.Message;
                int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
                throw new InputException(new SourcePosition(path, reader.LineNumber, (e.BytePositionInLine ?? 0) + 1),
                    "malformed JSON: " + (cut > 0 ? message[..cut].TrimEnd('.', ' ') : message));
            }

            if (node is not JsonObject obj)
            {
                throw new InputException(new SourcePosition(path, reader.LineNumber, 1), $"expected a JSON object, found {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}");
            }

            yield return (reader.LineNumber, obj);
        }
    }

    /// <summary>A field as text: strings as they are, numbers, booleans and lists as written in JSON.</summary>
    /// <exception cref="InputException">The field is absent (when <paramref name="required"/>).</exception>
    public static string? Text(JsonObject obj, string field, string path, long line, bool required)
    {
        JsonNode? node = obj[field];
        if (node is null)
        {
            return required ? throw new InputException(new SourcePosition(path, line, 1), $"expected a \"{field}\" field, found none") : null;
        }

        return node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString(Options);
    }

    /// <summary>Writes <paramref name="lines"/> to <paramref name="path"/> atomically, one compact JSON value a line.</summary>
    public static void Write<T>(string path, IEnumerable<T> lines)
    {
        AtomicFile.Write(path, stream =>
        {
            foreach (T value in lines)
            {
                byte[] bytes = value is JsonNode node ? Encoding.UTF8.GetBytes(node.ToJsonString(Options)) : JsonSerializer.SerializeToUtf8Bytes(value, Options);
                stream.Write(bytes);
                stream.WriteByte((byte)'\n');
            }
        });
    }
}
