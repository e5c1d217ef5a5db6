using System.IO.Compression;
using System.Text.Json;
using Lodestar.Formats;
using Lodestar.Formats.Parquet;

namespace Lodestar.Datasets;

/// <summary>Parquet shards → one gzipped JSONL file, every column a field (lists as arrays, nulls as null).</summary>
public static class ParquetJsonl
{
    /// <summary>Writes the rows of <paramref name="shards"/>, in order, to <paramref name="output"/> (atomically).</summary>
    /// <returns>Rows written.</returns>
    /// <exception cref="Errors.InputException">A shard cannot be read; the message names it and the column.</exception>
    public static long Convert(IReadOnlyList<string> shards, string output)
    {
        long rows = 0;
        AtomicFile.Write(output, stream =>
        {
            using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
            using var json = new Utf8JsonWriter(gzip, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            foreach (string shard in shards)
            {
                using ParquetFile file = ParquetFile.Open(shard);
                string[] columns = [.. file.Columns.Where(c => c.Supported).Select(c => c.Name)];
                foreach (object?[] row in file.ReadRows(columns))
                {
                    json.WriteStartObject();
                    for (int c = 0; c < columns.Length; c++)
                    {
                        json.WritePropertyName(columns[c]);
                        Value(json, row[c]);
                    }

                    json.WriteEndObject();
                    json.Flush();
                    gzip.WriteByte((byte)'\n');
                    json.Reset();
                    rows++;
                }
            }
        });
        return rows;
    }

    private static void Value(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case double d: json.WriteNumberValue(d); break;
            case float f: json.WriteNumberValue(f); break;
            case bool b: json.WriteBooleanValue(b); break;
            case byte[] bytes: json.WriteBase64StringValue(bytes); break;
            case List<object?> list:
                json.WriteStartArray();
                foreach (object? item in list)
                {
                    Value(json, item);
                }

                json.WriteEndArray();
                break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }
}
