using System.Globalization;
using System.Text;
using Lodestar.Errors;
using Lodestar.Model;

namespace Lodestar.Formats;

/// <summary>
/// Relevance judgments: TREC qrels (<c>topic iteration docid grade</c>) or BEIR's TSV (<c>query-id corpus-id
/// score</c>, recognised by its header line <c>query-id corpus-id score</c>). Lines starting with <c>#</c> are
/// comments, as in trec_eval 10.
/// </summary>
public static class QrelsFormat
{
    /// <summary>Reads a qrels file; with <paramref name="judgmentGroups"/> the second field names a judgment group
    /// (trec_eval's <c>-R qrels_jg</c>).</summary>
    /// <exception cref="InputException">A malformed line, a (topic, document) judged twice, or an empty file.</exception>
    public static Qrels Read(string path, bool judgmentGroups = false)
    {
        var qrels = new Qrels();
        Span<Range> f = stackalloc Range[5];
        using var reader = new LineReader(path);
        int layout = 0;
        var current = new CurrentTopic();
        // Lines are split as bytes and ids stored as bytes (Judgments): a string per topic, none per judgment.
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            int n = TextFields.Split(line, f);
            if (n == 0 || line[0] == (byte)'#')
            {
                continue;
            }

            if (layout == 0)
            {
                layout = line.StartsWith("query-id"u8) ? 3 : 4;
                if (layout == 3)
                {
                    continue; // BEIR header
                }
            }

            if (n != layout)
            {
                ThrowHelper.Input(path, reader.LineNumber, 1, layout == 3
                    ? $"expected 3 fields 'query-id corpus-id score', found {n}"
                    : $"expected 4 fields 'topic iteration docid grade', found {n}");
            }

            Range docRange = n == 4 ? f[2] : f[1];
            current.Changed(line[f[0]]);
            string topic = current.Id;

            ReadOnlySpan<byte> gradeField = line[f[n - 1]];
            if (!int.TryParse(gradeField, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int grade))
            {
                ThrowHelper.Input(path, reader.LineNumber, TextFields.Column(line, f[n - 1]),
                    $"expected an integer for the grade, found {ThrowHelper.Quote(Encoding.UTF8.GetString(gradeField))}");
            }

            ReadOnlySpan<byte> docField = line[docRange];
            bool added;
            if (judgmentGroups || docField.IndexOf((byte)'%') >= 0)
            {
                // an escaped id (%20 for a space) is stored as the id it stands for
                string doc = TrecIds.Unescape(Encoding.UTF8.GetString(docField));
                added = judgmentGroups ? qrels.TryAddToGroup(topic, Encoding.UTF8.GetString(line[f[1]]), doc, grade) : qrels.TryAdd(topic, doc, grade);
            }
            else
            {
                added = qrels.TryAdd(topic, docField, grade);
            }

            if (!added)
            {
                string doc = TrecIds.Unescape(Encoding.UTF8.GetString(docField));
                ThrowHelper.Input(path, reader.LineNumber, TextFields.Column(line, docRange),
                    $"expected each document judged once per topic, found {ThrowHelper.Quote(doc)} for topic {ThrowHelper.Quote(topic)} again");
            }
        }

        if (qrels.TopicIds.Count == 0)
        {
            ThrowHelper.Input(path, 0, 0, "expected judgments, found an empty file");
        }

        return qrels;
    }

    /// <summary>Writes TREC qrels atomically (iteration 0).</summary>
    public static void Write(string path, Qrels qrels) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        foreach (string topic in qrels.TopicIds)
        {
            foreach ((string doc, int grade) in qrels[topic])
            {
                writer.Write($"{TrecIds.Escape(topic)} 0 {TrecIds.Escape(doc)} {grade.ToString(CultureInfo.InvariantCulture)}\n");
            }
        }
    });

    /// <summary>BRIGHT's qrels: each gold id (or long gold id) of each topic with grade 1.</summary>
    public static Qrels FromGold(IEnumerable<Topic> topics, bool longDocuments)
    {
        var qrels = new Qrels();
        foreach (Topic t in topics)
        {
            foreach (string doc in longDocuments ? t.GoldIdsLong : t.GoldIds)
            {
                qrels.TryAdd(t.Id, doc, 1);
            }
        }

        return qrels;
    }
}
