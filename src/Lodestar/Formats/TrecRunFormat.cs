using System.Globalization;
using System.Text;
using Lodestar.Errors;
using Lodestar.Model;

namespace Lodestar.Formats;

/// <summary>The TREC run format: <c>topic Q0 docid rank score tag</c>, one hit per line.</summary>
/// <remarks>
/// Ids are escaped with <see cref="TrecIds"/>. Hits are returned in file order; rank fields are read but not
/// trusted (trec_eval ignores them too). As in trec_eval 10, a line whose first non-blank character is <c>#</c> is a
/// comment and fields after the sixth are ignored. A document given twice for one topic is an error naming both lines:
/// trec_eval 9.x and 10.x stop at the first such pair with "duplicate docs" and no line number, and pytrec_eval keeps
/// the last score silently.
/// </remarks>
public static class TrecRunFormat
{
    /// <summary>Reads a run file.</summary>
    /// <exception cref="InputException">A malformed line, a duplicate document, or an empty file.</exception>
    public static Run Read(string path)
    {
        var run = new Run(Path.GetFileNameWithoutExtension(path));
        var firstLine = new Dictionary<(string, string), long>();
        Span<Range> f = stackalloc Range[7];
        using var reader = new LineReader(path);
        bool named = false;
        while (reader.TryReadLine(out ReadOnlySpan<byte> bytes))
        {
            string line = TextFields.Decode(bytes);
            int n = TextFields.Split(line, f);
            if (n == 0 || line[f[0]][0] == '#')
            {
                continue;
            }

            if (n < 6)
            {
                ThrowHelper.Input(path, reader.LineNumber, 1, $"expected 6 fields 'topic Q0 docid rank score tag', found {n}");
            }

            string topic = line[f[0]];
            string doc = TrecIds.Unescape(line.AsSpan(f[2]));
            double score = TextFields.ParseScore(path, reader.LineNumber, line, f[4], "score");
            if (!firstLine.TryAdd((topic, doc), reader.LineNumber))
            {
                ThrowHelper.Input(path, reader.LineNumber, f[2].Start.Value + 1,
                    $"expected each document once per topic, found {ThrowHelper.Quote(doc)} for topic {ThrowHelper.Quote(topic)} again (first on line {firstLine[(topic, doc)]})");
            }

            if (!named)
            {
                run.Name = line[f[5]];
                named = true;
            }

            run.Add(topic, new Hit(doc, score));
        }

        if (run.Count == 0)
        {
            ThrowHelper.Input(path, 0, 0, "expected a TREC run ('topic Q0 docid rank score tag' lines), found an empty file");
        }

        return run;
    }

    /// <summary>Writes <paramref name="run"/> atomically; ranks are the hits' positions, from 1.</summary>
    public static void Write(string path, Run run) => AtomicFile.Write(path, stream => Write(stream, run));

    /// <summary>Writes <paramref name="run"/> to a stream.</summary>
    public static void Write(Stream stream, Run run)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        string tag = TrecIds.Escape(run.Name.Length == 0 ? "lodestar" : run.Name);
        foreach (string topic in run.TopicIds)
        {
            IReadOnlyList<Hit> hits = run[topic];
            string escapedTopic = TrecIds.Escape(topic);
            for (int i = 0; i < hits.Count; i++)
            {
                writer.Write(escapedTopic);
                writer.Write(" Q0 ");
                writer.Write(TrecIds.Escape(hits[i].DocId));
                writer.Write(' ');
                writer.Write((i + 1).ToString(CultureInfo.InvariantCulture));
                writer.Write(' ');
                writer.Write(hits[i].Score.ToString("R", CultureInfo.InvariantCulture));
                writer.Write(' ');
                writer.Write(tag);
                writer.Write('\n');
            }
        }
    }
}
