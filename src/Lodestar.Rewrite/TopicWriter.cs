using System.Text.Json;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Rewrite;

/// <summary>Writes topics as BRIGHT examples JSONL (<c>id</c>, <c>query</c>, <c>excluded_ids</c>, <c>gold_ids</c>,
/// <c>gold_ids_long</c>), which <see cref="TopicReader"/> reads back; atomically.</summary>
public static class TopicWriter
{
    /// <summary>Writes <paramref name="topics"/> to <paramref name="path"/> (a temporary file, then a rename).</summary>
    public static void Write(string path, IEnumerable<Topic> topics) => AtomicFile.Write(path, stream =>
    {
        foreach (Topic t in topics)
        {
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("id", t.Id);
                json.WriteString("query", t.Text);
                WriteList(json, "excluded_ids", t.ExcludedIds);
                WriteList(json, "gold_ids", t.GoldIds);
                WriteList(json, "gold_ids_long", t.GoldIdsLong);
                json.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }
    });

    private static void WriteList(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string v in values)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
    }
}
