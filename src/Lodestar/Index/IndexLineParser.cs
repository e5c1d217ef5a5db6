using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Lodestar.Index;

/// <summary>
/// The index builder's fast path for one corpus line: keeps the id and the text as UTF-8 bytes (slices of the line
/// unless they hold escapes) and turns a <c>tokens</c> list straight into vocabulary ids, without a string per term.
/// </summary>
/// <remarks>
/// It only accepts the plain shapes; anything else (escaped field names, numbers as tokens, missing fields, malformed JSON)
/// returns false, and the caller re-parses the line with <see cref="Formats.CorpusReader"/>, which gives the
/// precise error or the general result. So the fast path never changes what is indexed or what is reported.
/// </remarks>
[SkipLocalsInit] // ReadTokens' stackalloc is written before it is read
internal static class IndexLineParser
{
    /// <summary>Parses <paramref name="line"/>; on success <paramref name="termIds"/> holds the tokens' ids when
    /// <paramref name="withTokens"/> and the line had a <c>tokens</c> list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ArraySegment<byte> line, TermCache vocabulary, bool withTokens, List<int> termIds, ChunkBuffer chunk,
        out ArraySegment<byte> id, out ArraySegment<byte> text, out bool hadTokens)
    {
        id = default;
        text = default;
        hadTokens = false;
        termIds.Clear();
        ArraySegment<byte> title = default;
        ArraySegment<byte> body = default;
        bool hasId = false, hasBody = false;
        var reader = new Utf8JsonReader(line);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return false;
                }

                ReadOnlySpan<byte> name = reader.ValueSpan;
                if (!reader.Read())
                {
                    return false;
                }

                if (name.SequenceEqual("_id"u8) || name.SequenceEqual("id"u8) || name.SequenceEqual("docid"u8))
                {
                    if (reader.ValueSpan.IsEmpty || !TryRaw(ref reader, line, chunk, out id))
                    {
                        return false;
                    }

                    hasId = true;
                }
                else if (name.SequenceEqual("title"u8))
                {
                    if (!TryRaw(ref reader, line, chunk, out title))
                    {
                        return false;
                    }
                }
                else if (name.SequenceEqual("text"u8) || name.SequenceEqual("content"u8) || name.SequenceEqual("contents"u8))
                {
                    if (!TryRaw(ref reader, line, chunk, out body))
                    {
                        return false;
                    }

                    hasBody = true;
                }
                else if (name.SequenceEqual("tokens"u8))
                {
                    if (!withTokens || !ReadTokens(ref reader, vocabulary, termIds))
                    {
                        return false;
                    }

                    hadTokens = true;
                }
                else
                {
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || !hasId || (!hasBody && title.Count == 0) || hadTokens != withTokens)
            {
                return false;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // malformed, or an escaped lone surrogate: the general parser reports it
            return false;
        }

        text = title.Count == 0 ? body : body.Count == 0 ? title : chunk.Join(title, body);
        return true;
    }

    /// <summary>A string value's UTF-8 bytes: a slice of the line itself, or, when it holds escapes, its unescaped
    /// bytes in the chunk's buffer.</summary>
    private static bool TryRaw(ref Utf8JsonReader reader, ArraySegment<byte> line, ChunkBuffer chunk, out ArraySegment<byte> value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            // TokenStartIndex is the opening quote; the value follows it.
            value = line.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
            return true;
        }

        value = chunk.Unescape(ref reader);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadTokens(ref Utf8JsonReader reader, TermCache vocabulary, List<int> termIds)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        Span<byte> unescaped = stackalloc byte[1024];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            if (!reader.ValueIsEscaped)
            {
                termIds.Add(vocabulary.GetOrAdd(reader.ValueSpan));
            }
            else if (reader.ValueSpan.Length <= unescaped.Length)
            {
                int n = reader.CopyString(unescaped);
                termIds.Add(vocabulary.GetOrAdd((ReadOnlySpan<byte>)unescaped[..n]));
            }
            else
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }
}
