using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Cli.Commands;

/// <summary>Reads runs and judgments in whichever supported format a file is in.</summary>
internal static class EvalInputs
{
    /// <summary>A TREC run, or BRIGHT's score JSON when the file starts with '{'.</summary>
    public static Run ReadRun(string path) => StartsWithBrace(path) ? BrightScoreFormat.Read(path) : TrecRunFormat.Read(path);

    /// <summary>Whether <paramref name="path"/> is BRIGHT's score JSON (its first non-blank character is a brace).</summary>
    public static bool IsBrightJson(string path) => StartsWithBrace(path);

    /// <summary>TREC or BEIR qrels, or BRIGHT examples (JSONL, gold ids as grade 1) with their topics.</summary>
    public static (Qrels Qrels, List<Topic>? BrightTopics) ReadQrels(string path, bool longDocuments)
    {
        if (!StartsWithBrace(path))
        {
            return (QrelsFormat.Read(path), null);
        }

        List<Topic> topics = TopicReader.Read(path);
        return (QrelsFormat.FromGold(topics, longDocuments), topics);
    }

    private static bool StartsWithBrace(string path)
    {
        using var reader = new LineReader(path);
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            ReadOnlySpan<byte> t = line.Trim(" \t"u8);
            if (!t.IsEmpty)
            {
                return t[0] == (byte)'{';
            }
        }

        return false;
    }
}
