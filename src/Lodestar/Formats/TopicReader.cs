using System.Text;
using Lodestar.Errors;
using Lodestar.Model;

namespace Lodestar.Formats;

/// <summary>
/// Reads topics from BEIR <c>queries.jsonl</c> (<c>_id</c>, <c>text</c>), BRIGHT examples (<c>id</c>, <c>query</c>,
/// <c>excluded_ids</c>, <c>gold_ids</c>, <c>gold_ids_long</c>), pre-analyzed JSONL (<c>id</c>, <c>tokens</c>), or a
/// TREC topics TSV (<c>id&lt;TAB&gt;text</c>); plain or <c>.gz</c>. A JSON file is recognised by its first byte.
/// </summary>
/// <remarks>BRIGHT writes <c>["N/A"]</c> when a topic has no excluded ids; that placeholder is dropped.</remarks>
public static class TopicReader
{
    /// <summary>Reads every topic of <paramref name="path"/>, in file order.</summary>
    /// <exception cref="InputException">Bad input, or a topic id given twice.</exception>
    public static List<Topic> Read(string path)
    {
        var topics = new List<Topic>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new LineReader(path);
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            if (line.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            Topic topic = line[0] == (byte)'{'
                ? ParseJson(path, reader.LineNumber, line)
                : ParseTsv(path, reader.LineNumber, line);
            if (!seen.Add(topic.Id))
            {
                ThrowHelper.Input(path, reader.LineNumber, 1, $"expected unique topic ids, found {ThrowHelper.Quote(topic.Id)} again");
            }

            topics.Add(topic);
        }

        if (topics.Count == 0)
        {
            ThrowHelper.Input(path, 0, 0, "expected topics, found none");
        }

        return topics;
    }

    private static Topic ParseTsv(string path, long lineNumber, ReadOnlySpan<byte> line)
    {
        int tab = line.IndexOf((byte)'\t');
        if (tab <= 0)
        {
            ThrowHelper.Input(path, lineNumber, 1, "expected 'id<TAB>text' or a JSON object, found no tab");
        }

        return new Topic(Encoding.UTF8.GetString(line[..tab]), Encoding.UTF8.GetString(line[(tab + 1)..]));
    }

    private static Topic ParseJson(string path, long lineNumber, ReadOnlySpan<byte> line)
    {
        var json = new JsonLine(path, lineNumber, line);
        string? id = null;
        string? text = null;
        List<string> excluded = [];
        List<string> gold = [];
        List<string> goldLong = [];
        List<string>? tokens = null;
        while (json.NextProperty(out string name))
        {
            switch (name)
            {
                case "_id" or "id" or "qid":
                    id = json.ReadString(name);
                    break;
                case "text" or "query" or "title" or "contents":
                    text = json.ReadString(name);
                    break;
                case "tokens":
                    tokens = json.ReadStrings(name);
                    text ??= string.Join(' ', tokens);
                    break;
                case "excluded_ids":
                    excluded = json.ReadStrings(name);
                    excluded.RemoveAll(x => x == "N/A");
                    break;
                case "gold_ids":
                    gold = json.ReadStrings(name);
                    break;
                case "gold_ids_long":
                    goldLong = json.ReadStrings(name);
                    break;
                default:
                    json.Skip();
                    break;
            }
        }

        if (id is null || text is null)
        {
            ThrowHelper.Input(path, lineNumber, 1,
                $"expected a topic with an id (\"_id\", \"id\") and a text (\"text\", \"query\", \"tokens\"), found {(id is null ? "no id" : "no text")}");
        }

        return new Topic(id, text, excluded, gold, goldLong, tokens);
    }
}
