using Lodestar.Errors;
using Lodestar.Model;

namespace Lodestar.Formats;

/// <summary>
/// Streams a corpus in any JSON Lines layout, plain or <c>.gz</c>: BEIR (<c>_id</c>, <c>title</c>, <c>text</c>),
/// BRIGHT (<c>id</c>, <c>content</c>), Pyserini (<c>id</c>, <c>contents</c>), or pre-analyzed
/// (<c>id</c>, <c>tokens</c>).
/// </summary>
/// <remarks>
/// A BEIR title is joined to the text with one space. Ids must be unique; the caller checks that, since only it
/// keeps every id. Errors are <see cref="InputException"/>s at <c>path:line:col</c>.
/// </remarks>
public static class CorpusReader
{
    /// <summary>Reads the documents of <paramref name="path"/> with their line numbers, in file order.</summary>
    public static IEnumerable<(Document Document, long Line)> Read(string path)
    {
        using var reader = new LineReader(path);
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            Document doc = Parse(path, reader.LineNumber, line);
            yield return (doc, reader.LineNumber);
        }
    }

    /// <summary>Parses one line.</summary>
    public static Document Parse(string path, long lineNumber, ReadOnlySpan<byte> line)
    {
        var json = new JsonLine(path, lineNumber, line);
        string? id = null;
        string? title = null;
        string? text = null;
        List<string>? tokens = null;
        while (json.NextProperty(out string name))
        {
            switch (name)
            {
                case "_id" or "id" or "docid":
                    id = json.ReadString(name);
                    break;
                case "title":
                    title = json.ReadString(name);
                    break;
                case "text" or "content" or "contents":
                    text = json.ReadString(name);
                    break;
                case "tokens":
                    tokens = json.ReadStrings(name);
                    break;
                default:
                    json.Skip();
                    break;
            }
        }

        if (id is null)
        {
            ThrowHelper.Input(path, lineNumber, 1, "expected an \"_id\" or \"id\" field, found none");
        }

        if (id.Length == 0)
        {
            ThrowHelper.Input(path, lineNumber, 1, "expected a non-empty document id, found \"\"");
        }

        if (tokens is not null)
        {
            return new Document(id, text ?? string.Join(' ', tokens), tokens);
        }

        if (text is null && title is null)
        {
            ThrowHelper.Input(path, lineNumber, 1,
                $"expected a \"text\", \"content\", \"contents\" or \"tokens\" field in document {ThrowHelper.Quote(id)}, found none");
        }

        string full = string.IsNullOrEmpty(title) ? text ?? "" : string.IsNullOrEmpty(text) ? title : title + " " + text;
        return new Document(id, full);
    }
}
