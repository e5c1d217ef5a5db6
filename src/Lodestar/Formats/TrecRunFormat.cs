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
    public static Run Read(string path) => ReadColumns(path).ToRun();

    /// <summary>Reads a run file into columns: no object per hit (see <see cref="RunColumns"/>).</summary>
    /// <exception cref="InputException">A malformed line, a duplicate document, or an empty file.</exception>
    /// <remarks>Lines are split as bytes; the only strings made are the topic ids (when the topic changes) and the
    /// run tag. Duplicates are found per topic after reading, and the one reported is the earliest in the file.</remarks>
    public static RunColumns ReadColumns(string path)
    {
        var run = new RunColumns(Path.GetFileNameWithoutExtension(path));
        string? tag = Scan(path, run.GetOrAdd);
        if (run.Count == 0)
        {
            ThrowHelper.Input(path, 0, 0, EmptyRun);
        }

        run.Name = tag ?? run.Name;
        ThrowOnDuplicate(path, run);
        return run;
    }

    /// <summary>Reads a run one topic at a time, handing each topic's hits to <paramref name="onTopic"/> in file order,
    /// in one <see cref="TopicColumns"/> that is cleared and reused for the next topic: memory for one topic, not the
    /// whole run.</summary>
    /// <param name="path">The run file.</param>
    /// <param name="onTopic">Called once per topic with its id and hits; the hits are valid only during the call.</param>
    /// <param name="tag">The run tag of the first line.</param>
    /// <returns>False, having stopped, when a topic's lines are not contiguous (a topic seen before comes back): read
    /// the file with <see cref="ReadColumns"/> instead.</returns>
    /// <exception cref="InputException">As <see cref="ReadColumns"/>, with the same error for the same file: a
    /// malformed line first, then the earliest duplicate, which is reported only after the whole file was read.</exception>
    public static bool TryStreamTopics(string path, Action<string, TopicColumns> onTopic, out string tag)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var columns = new TopicColumns();
        string? current = null;
        (string Topic, string DocId, long Second, long First)? duplicate = null;

        // Ends the current topic: its duplicate check, then the caller's evaluation (skipped once the file is known bad).
        void Finish()
        {
            if (current is null || duplicate is not null)
            {
                return;
            }

            (int second, int first) = columns.FindDuplicate();
            if (second >= 0)
            {
                duplicate = (current, columns.DocId(second), columns.Line(second), columns.Line(first));
                return;
            }

            onTopic(current, columns);
        }

        bool contiguous = true;
        string? runTag = Scan(path, topic =>
        {
            if (!seen.Add(topic))
            {
                contiguous = false;
                return null;
            }

            Finish();
            current = topic;
            columns.Clear();
            return columns;
        });
        tag = runTag ?? Path.GetFileNameWithoutExtension(path);
        if (!contiguous)
        {
            return false;
        }

        if (current is null)
        {
            ThrowHelper.Input(path, 0, 0, EmptyRun);
        }

        Finish();
        if (duplicate is { } d)
        {
            ThrowDuplicate(path, d.Topic, d.DocId, d.Second, d.First);
        }

        return true;
    }

    private const string EmptyRun = "expected a TREC run ('topic Q0 docid rank score tag' lines), found an empty file";

    // The one line loop of both readers: calls topicStarted whenever the topic id changes and adds each hit to the
    // columns it returns (runs come grouped by topic, so an id is decoded only when it changes); a null return stops
    // the scan. Returns the run tag of the first hit, or null for a file without hits.
    private static string? Scan(string path, Func<string, TopicColumns?> topicStarted)
    {
        Span<Range> f = stackalloc Range[7];
        string? tag = null;
        var current = new CurrentTopic();
        TopicColumns topic = null!;
        using var reader = new LineReader(path);
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            int n = TextFields.Split(line, f);
            if (n == 0 || line[f[0].Start] == (byte)'#')
            {
                continue;
            }

            if (n < 6)
            {
                ThrowHelper.Input(path, reader.LineNumber, 1, $"expected 6 fields 'topic Q0 docid rank score tag', found {n}");
            }

            if (current.Changed(line[f[0]]))
            {
                if (topicStarted(current.Id) is not TopicColumns next)
                {
                    return tag;
                }

                topic = next;
            }

            if (!TextFields.TryParseDouble(line[f[4]], out double score) || !double.IsFinite(score))
            {
                ThrowHelper.Input(path, reader.LineNumber, TextFields.Column(line, f[4]),
                    $"expected a finite number for the score, found {ThrowHelper.Quote(Encoding.UTF8.GetString(line[f[4]]))}");
            }

            tag ??= Encoding.UTF8.GetString(line[f[5]]);
            topic.Add(line[f[2]], score, reader.LineNumber);
        }

        return tag;
    }

    // A document given twice for one topic is an error at the second occurrence that comes first in the file.
    private static void ThrowOnDuplicate(string path, RunColumns run)
    {
        (string Topic, int Second, int First)? earliest = null;
        foreach (string id in run.TopicIds)
        {
            TopicColumns topic = run[id];
            (int second, int first) = topic.FindDuplicate();
            if (second >= 0 && (earliest is not { } e || topic.Line(second) < run[e.Topic].Line(e.Second)))
            {
                earliest = (id, second, first);
            }
        }

        if (earliest is { } d)
        {
            TopicColumns topic = run[d.Topic];
            ThrowDuplicate(path, d.Topic, topic.DocId(d.Second), topic.Line(d.Second), topic.Line(d.First));
        }
    }

    private static void ThrowDuplicate(string path, string topic, string docId, long line, long firstLine) =>
        ThrowHelper.Input(path, line, DocColumn(path, line),
            $"expected each document once per topic, found {ThrowHelper.Quote(docId)} for topic {ThrowHelper.Quote(topic)} again (first on line {firstLine})");

    // The column of the document id on line <paramref name="lineNumber"/> (error path only: the file is read again).
    private static int DocColumn(string path, long lineNumber)
    {
        Span<Range> f = stackalloc Range[7];
        using var reader = new LineReader(path);
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            if (reader.LineNumber == lineNumber)
            {
                return TextFields.Split(line, f) >= 3 ? TextFields.Column(line, f[2]) : 1;
            }
        }

        return 1;
    }

    /// <summary>Writes <paramref name="run"/> atomically; ranks are the hits' positions, from 1.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="run">The run.</param>
    /// <param name="flushToDisk">Whether to fsync before the rename (<see cref="AtomicFile.Write"/>).</param>
    public static void Write(string path, Run run, bool flushToDisk = true) => AtomicFile.Write(path, stream => Write(stream, run), flushToDisk);

    /// <summary>Writes <paramref name="run"/> to a stream.</summary>
    public static void Write(Stream stream, Run run)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 14, leaveOpen: true);
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
