using System.Text.Json;
using Lodestar.Errors;
using Lodestar.Model;

namespace Lodestar.Formats;

/// <summary>BRIGHT's score file: one JSON object <c>{topic: {docid: score}}</c>, as its scripts write and read it, or
/// that object under a <c>"search_results"</c> key (Retro*'s published runs).</summary>
/// <remarks>Any id is allowed, spaces included. Hits keep the file's order; evaluation sorts them anyway.</remarks>
public static class BrightScoreFormat
{
    /// <summary>Reads a score file (plain or <c>.gz</c>).</summary>
    /// <exception cref="InputException">Malformed JSON, a non-numeric score, a duplicate document, or no topics.</exception>
    public static Run Read(string path)
    {
        byte[] bytes = ReadAll(path);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = false });
        var run = new Run(Path.GetFileNameWithoutExtension(path));
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, path, bytes, "an object {topic: {docid: score}}");
            if (IsWrapped(reader))
            {
                // Retro*'s published runs: {"search_results": {topic: {docid: score}}, ...other keys}.
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("search_results"u8))
                    {
                        Expect(ref reader, JsonTokenType.StartObject, path, bytes, "an object {topic: {docid: score}}");
                        ReadTopics(ref reader, run, path, bytes);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                ReadTopics(ref reader, run, path, bytes);
            }
        }
        catch (JsonException e)
        {
            Fail(path, bytes, reader.BytesConsumed, "malformed JSON: " + e.Message.Split(" LineNumber:")[0]);
        }

        if (run.Count == 0)
        {
            Fail(path, bytes, 0, "expected at least one topic, found an empty object");
        }

        return run;
    }

    // Whether the object just opened is {"search_results": {topic: {...}}} rather than {topic: {docid: score}}.
    private static bool IsWrapped(Utf8JsonReader ahead)
    {
        while (ahead.Read() && ahead.TokenType == JsonTokenType.PropertyName)
        {
            bool named = ahead.ValueTextEquals("search_results"u8);
            if (!ahead.Read())
            {
                return false;
            }

            if (named)
            {
                return ahead.TokenType == JsonTokenType.StartObject && ahead.Read()
                    && (ahead.TokenType == JsonTokenType.EndObject || (ahead.TokenType == JsonTokenType.PropertyName && ahead.Read() && ahead.TokenType == JsonTokenType.StartObject));
            }

            if (!ahead.TrySkip())
            {
                return false;
            }
        }

        return false;
    }

    private static void ReadTopics(ref Utf8JsonReader reader, Run run, string path, byte[] bytes)
    {
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string topic = reader.GetString()!;
            if (run.Contains(topic))
            {
                Fail(path, bytes, reader.TokenStartIndex, $"expected each topic once, found {ThrowHelper.Quote(topic)} again");
            }

            Expect(ref reader, JsonTokenType.StartObject, path, bytes, "an object {docid: score}");
            var hits = new List<Hit>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                string doc = reader.GetString()!;
                if (!seen.Add(doc))
                {
                    Fail(path, bytes, reader.TokenStartIndex,
                        $"expected each document once per topic, found {ThrowHelper.Quote(doc)} for topic {ThrowHelper.Quote(topic)} again");
                }

                double score = 0;
                if (Next(ref reader) != JsonTokenType.Number || !reader.TryGetDouble(out score) || !double.IsFinite(score))
                {
                    Fail(path, bytes, reader.TokenStartIndex, $"expected a finite number for the score of {ThrowHelper.Quote(doc)}, found {reader.TokenType}");
                }

                hits.Add(new Hit(doc, score));
            }

            run.Set(topic, hits);
        }
    }

    /// <summary>Writes <paramref name="run"/> atomically as <c>{topic: {docid: score}}</c>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="run">The run.</param>
    /// <param name="flushToDisk">Whether to fsync before the rename (<see cref="AtomicFile.Write"/>).</param>
    public static void Write(string path, Run run, bool flushToDisk = true) => AtomicFile.Write(path, stream =>
    {
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        foreach (string topic in run.TopicIds)
        {
            writer.WriteStartObject(topic);
            foreach (Hit hit in run[topic])
            {
                writer.WriteNumber(hit.DocId, hit.Score);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }, flushToDisk);

    private static byte[] ReadAll(string path)
    {
        // LineReader validates UTF-8 and gzip integrity line by line; join the lines back.
        using var reader = new LineReader(path);
        var buffer = new MemoryStream();
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            buffer.Write(line);
            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("unexpected end of file");
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path, byte[] bytes, string what)
    {
        if (Next(ref reader) != type)
        {
            Fail(path, bytes, reader.TokenStartIndex, $"expected {what}, found {reader.TokenType}");
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string path, byte[] bytes, long offset, string problem)
    {
        offset = Math.Clamp(offset, 0, bytes.Length);
        ReadOnlySpan<byte> before = bytes.AsSpan(0, (int)offset);
        int line = before.Count((byte)'\n') + 1;
        int column = (int)offset - (before.LastIndexOf((byte)'\n') + 1) + 1;
        ThrowHelper.Input(path, line, column, problem);
    }
}
