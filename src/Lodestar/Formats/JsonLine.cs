using System.Text;
using System.Text.Json;
using Lodestar.Errors;

namespace Lodestar.Formats;

/// <summary>Reads the fields of one JSON Lines object, turning every failure into an <see cref="InputException"/>.</summary>
internal ref struct JsonLine
{
    private readonly string _path;
    private readonly long _line;
    private Utf8JsonReader _reader;

    /// <summary>Starts reading <paramref name="json"/>, line <paramref name="line"/> of <paramref name="path"/>.</summary>
    public JsonLine(string path, long line, ReadOnlySpan<byte> json)
    {
        _path = path;
        _line = line;
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        Read();
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            Fail($"expected a JSON object, found {Describe(_reader.TokenType)}");
        }
    }

    /// <summary>Moves to the next property; false at the end of the object.</summary>
    public bool NextProperty(out string name)
    {
        Read();
        if (_reader.TokenType == JsonTokenType.EndObject)
        {
            bool more;
            try
            {
                more = _reader.Read();
            }
            catch (JsonException e)
            {
                more = true; // text after the object that is not even JSON
                Fail("expected the end of the line after the JSON object, found more", e.BytePositionInLine);
            }

            if (more)
            {
                Fail("expected the end of the line after the JSON object, found more");
            }

            name = "";
            return false;
        }

        name = GetString();
        Read();
        return true;
    }

    /// <summary>The current value as a string; numbers are taken as written (ids are sometimes numbers).</summary>
    public string ReadString(string field) => _reader.TokenType switch
    {
        JsonTokenType.String => GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(_reader.ValueSpan),
        _ => Fail<string>($"expected a string for \"{field}\", found {Describe(_reader.TokenType)}"),
    };

    /// <summary>The current value as a list of strings; a single string becomes a list of one.</summary>
    public List<string> ReadStrings(string field)
    {
        var list = new List<string>();
        if (_reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
        {
            list.Add(ReadString(field));
            return list;
        }

        if (_reader.TokenType == JsonTokenType.Null)
        {
            return list;
        }

        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            Fail($"expected a list of strings for \"{field}\", found {Describe(_reader.TokenType)}");
        }

        while (true)
        {
            Read();
            if (_reader.TokenType == JsonTokenType.EndArray)
            {
                return list;
            }

            list.Add(ReadString(field));
        }
    }

    /// <summary>The current string; an escaped lone surrogate (<c>"\ud800"</c>), which has no string, is bad input.</summary>
    private string GetString()
    {
        try
        {
            return _reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            return Fail<string>("malformed JSON: " + e.Message.TrimEnd('.'));
        }
    }

    /// <summary>Skips the current value.</summary>
    public void Skip()
    {
        try
        {
            _reader.Skip();
        }
        catch (JsonException e)
        {
            Fail(Clean(e), e.BytePositionInLine);
        }
    }

    /// <summary>Throws an <see cref="InputException"/> at the current token.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public readonly void Fail(string problem, long? bytePosition = null) =>
        ThrowHelper.Input(_path, _line, (bytePosition ?? _reader.TokenStartIndex) + 1, problem);

    /// <summary>Throws an <see cref="InputException"/> at the current token.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public readonly T Fail<T>(string problem) => ThrowHelper.Input<T>(_path, _line, _reader.TokenStartIndex + 1, problem);

    private void Read()
    {
        try
        {
            if (!_reader.Read())
            {
                Fail("expected a JSON object, found the end of the line", _reader.BytesConsumed);
            }
        }
        catch (JsonException e)
        {
            Fail(Clean(e), e.BytePositionInLine);
        }
    }

    private static string Clean(JsonException e)
    {
        string message = e.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return "malformed JSON: " + (cut > 0 ? message[..cut].TrimEnd('.', ' ') : message);
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };
}
