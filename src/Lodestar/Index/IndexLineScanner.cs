using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Lodestar.Index;

/// <summary>
/// The index builder's fastest path for one corpus line: a hand-written scanner for the plain shape of a record, one
/// object of string fields (<c>id</c>/<c>_id</c>/<c>docid</c>, <c>title</c>, <c>text</c>/<c>content</c>/<c>contents</c>)
/// and a <c>tokens</c> list of strings, that maps the tokens to vocabulary ids without a reader call per token.
/// </summary>
/// <remarks>
/// It accepts a strict subset of JSON and returns false on anything else: another field, a value of another kind, a
/// field given twice, an escaped field name, a control character in a string, or bytes after the object. Lines are
/// valid UTF-8 (<see cref="Formats.LineReader"/> checks every line). The caller then parses the line with <see cref="IndexLineParser"/> (and, failing that,
/// <see cref="Formats.CorpusReader"/>), so what is indexed and what is reported never depends on this path. Escaped
/// strings are unescaped by <see cref="Utf8JsonReader"/> itself, over the string's own bytes.
/// </remarks>
[SkipLocalsInit] // the stack buffer for an escaped token is written before it is read
internal static class IndexLineScanner
{
    private static readonly SearchValues<byte> StringSpecial = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>Parses <paramref name="line"/> as <see cref="IndexLineParser.TryParse"/> does, or returns false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ArraySegment<byte> line, TermCache vocabulary, bool withTokens, List<int> termIds, ChunkBuffer chunk,
        out ArraySegment<byte> id, out ArraySegment<byte> text, out bool hadTokens)
    {
        id = default;
        text = default;
        hadTokens = false;
        termIds.Clear();
        ReadOnlySpan<byte> s = line.AsSpan(); // valid UTF-8: LineReader checked it
        ArraySegment<byte> title = default, body = default;
        bool hasId = false, hasTitle = false, hasBody = false;
        int pos = SkipSpace(s, 0);
        if (pos == s.Length || s[pos] != (byte)'{')
        {
            return false;
        }

        pos = SkipSpace(s, pos + 1);
        while (true)
        {
            if (pos == s.Length || s[pos] != (byte)'"')
            {
                return false;
            }

            int nameEnd = s[(pos + 1)..].IndexOfAny(StringSpecial);
            if (nameEnd < 0 || s[pos + 1 + nameEnd] != (byte)'"')
            {
                return false; // escaped or malformed name
            }

            ReadOnlySpan<byte> name = s.Slice(pos + 1, nameEnd);
            pos = SkipSpace(s, pos + nameEnd + 2);
            if (pos == s.Length || s[pos] != (byte)':')
            {
                return false;
            }

            pos = SkipSpace(s, pos + 1);
            if (name.SequenceEqual("tokens"u8))
            {
                if (!withTokens || hadTokens || !ReadTokens(s, ref pos, vocabulary, termIds))
                {
                    return false;
                }

                hadTokens = true;
            }
            else if (name.SequenceEqual("id"u8) || name.SequenceEqual("_id"u8) || name.SequenceEqual("docid"u8))
            {
                if (hasId || !ReadString(line, ref pos, chunk, out id) || id.Count == 0)
                {
                    return false;
                }

                hasId = true;
            }
            else if (name.SequenceEqual("content"u8) || name.SequenceEqual("text"u8) || name.SequenceEqual("contents"u8))
            {
                if (hasBody || !ReadString(line, ref pos, chunk, out body))
                {
                    return false;
                }

                hasBody = true;
            }
            else if (name.SequenceEqual("title"u8))
            {
                if (hasTitle || !ReadString(line, ref pos, chunk, out title))
                {
                    return false;
                }

                hasTitle = true;
            }
            else
            {
                return false;
            }

            pos = SkipSpace(s, pos);
            if (pos == s.Length)
            {
                return false;
            }

            if (s[pos] == (byte)'}')
            {
                break;
            }

            if (s[pos] != (byte)',')
            {
                return false;
            }

            pos = SkipSpace(s, pos + 1);
        }

        if (SkipSpace(s, pos + 1) != s.Length || !hasId || (!hasBody && title.Count == 0) || hadTokens != withTokens)
        {
            return false;
        }

        text = title.Count == 0 ? body : body.Count == 0 ? title : chunk.Join(title, body);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipSpace(ReadOnlySpan<byte> s, int pos)
    {
        while (pos < s.Length && s[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            pos++;
        }

        return pos;
    }

    /// <summary>The end of the string starting at <paramref name="pos"/> (its opening quote): the index of its closing
    /// quote, or -1 (a control character, or no end); <paramref name="escaped"/> tells whether it holds escapes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StringEnd(ReadOnlySpan<byte> s, int pos, out bool escaped)
    {
        escaped = false;
        int at = pos + 1;
        while (true)
        {
            int i = s[at..].IndexOfAny(StringSpecial);
            if (i < 0)
            {
                return -1;
            }

            at += i;
            if (s[at] == (byte)'"')
            {
                return at;
            }

            if (s[at] != (byte)'\\' || at + 1 == s.Length)
            {
                return -1;
            }

            escaped = true;
            at += 2; // the escaped byte: a quote or a backslash is not an end; the reader checks the escape itself
        }
    }

    /// <summary>A string value at <paramref name="pos"/>: a slice of the line, or its unescaped bytes in the chunk.</summary>
    private static bool ReadString(ArraySegment<byte> line, ref int pos, ChunkBuffer chunk, out ArraySegment<byte> value)
    {
        value = default;
        ReadOnlySpan<byte> s = line.AsSpan();
        if (pos == s.Length || s[pos] != (byte)'"')
        {
            return false;
        }

        int end = StringEnd(s, pos, out bool escaped);
        if (end < 0)
        {
            return false;
        }

        if (!escaped)
        {
            value = line.Slice(pos + 1, end - pos - 1);
        }
        else
        {
            try
            {
                var reader = new Utf8JsonReader(s[pos..(end + 1)]);
                reader.Read();
                value = chunk.Unescape(ref reader);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return false;
            }
        }

        pos = end + 1;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadTokens(ReadOnlySpan<byte> s, ref int pos, TermCache vocabulary, List<int> termIds)
    {
        if (pos == s.Length || s[pos] != (byte)'[')
        {
            return false;
        }

        pos = SkipSpace(s, pos + 1);
        if (pos < s.Length && s[pos] == (byte)']')
        {
            pos++;
            return true;
        }

        Span<byte> unescaped = stackalloc byte[1024];
        while (true)
        {
            if (pos == s.Length || s[pos] != (byte)'"')
            {
                return false;
            }

            // most tokens are short: a plain loop finds their end sooner than a vectorized search
            int at = pos + 1;
            while (at < s.Length && s[at] >= 0x20 && s[at] != (byte)'"' && s[at] != (byte)'\\')
            {
                at++;
            }

            if (at < s.Length && s[at] == (byte)'"')
            {
                termIds.Add(vocabulary.GetOrAdd(s[(pos + 1)..at]));
            }
            else
            {
                int end = StringEnd(s, pos, out _);
                if (end < 0 || end - pos - 1 > unescaped.Length)
                {
                    return false;
                }

                try
                {
                    var reader = new Utf8JsonReader(s[pos..(end + 1)]);
                    reader.Read();
                    int n = reader.CopyString(unescaped);
                    termIds.Add(vocabulary.GetOrAdd((ReadOnlySpan<byte>)unescaped[..n]));
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    return false;
                }

                at = end;
            }

            pos = SkipSpace(s, at + 1);
            if (pos == s.Length)
            {
                return false;
            }

            if (s[pos] == (byte)']')
            {
                pos++;
                return true;
            }

            if (s[pos] != (byte)',')
            {
                return false;
            }

            pos = SkipSpace(s, pos + 1);
        }
    }
}
