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

    // The first 512 bytes answer for every real file, without a reader (whose 64 KiB first read the real reader then
    // repeats: a quarter of a millisecond of an eval's start-up); a gzip file, or one whose first 512 bytes are all
    // white space, is read line by line.
    private static bool StartsWithBrace(string path)
    {
        Span<byte> head = stackalloc byte[512];
        int length;
        try
        {
            using Microsoft.Win32.SafeHandles.SafeFileHandle file = File.OpenHandle(path);
            length = RandomAccess.Read(file, head, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            length = -1; // the reader below reports it as path: cannot read the file
        }

        bool gzip = length >= 2 && head[0] == 0x1F && head[1] == 0x8B;
        if (length >= 0 && !gzip)
        {
            ReadOnlySpan<byte> text = head[..length];
            if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                text = text[3..]; // a UTF-8 byte order mark, as LineReader skips it
            }

            ReadOnlySpan<byte> t = text.TrimStart(" \t\r\n"u8);
            if (!t.IsEmpty)
            {
                return t[0] == (byte)'{';
            }

            if (length < head.Length)
            {
                return false; // the whole file is blank
            }
        }

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
