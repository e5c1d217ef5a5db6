using Lodestar.Errors;
using Lodestar.Model;

namespace Lodestar.Formats;

/// <summary>
/// trec_eval's preference files. <c>prefs</c>: <c>topic group subgroup docid level</c>; <c>qrels_prefs</c>: a
/// TREC qrels file read as preferences, the iteration field as the group and one sub-group per group. Lines starting
/// with <c>#</c> are comments.
/// </summary>
public static class PreferenceFormat
{
    /// <summary>Reads a preference file in the <c>prefs</c> layout, or a qrels file when <paramref name="qrelsLayout"/>.</summary>
    /// <exception cref="InputException">A line with the wrong number of fields, a level that is not a number, or no lines.</exception>
    public static PreferenceJudgments Read(string path, bool qrelsLayout)
    {
        int fields = qrelsLayout ? 4 : 5;
        var judgments = new PreferenceJudgments();
        Span<Range> f = stackalloc Range[6];
        using var reader = new LineReader(path);
        while (reader.TryReadLine(out ReadOnlySpan<byte> bytes))
        {
            string line = TextFields.Decode(bytes);
            int n = TextFields.Split(line.AsSpan(), f);
            if (n == 0 || line[0] == '#')
            {
                continue;
            }

            if (n != fields)
            {
                ThrowHelper.Input(path, reader.LineNumber, 1, qrelsLayout
                    ? $"expected 4 fields 'topic group docid level', found {n}"
                    : $"expected 5 fields 'topic group subgroup docid level', found {n}");
            }

            double level = TextFields.ParseScore(path, reader.LineNumber, line, f[n - 1], "level");
            string doc = TrecIds.Unescape(line.AsSpan(f[n - 2]));
            judgments.Add(line[f[0]], new PreferenceJudgment(line[f[1]], qrelsLayout ? "0" : line[f[2]], doc, level));
        }

        if (judgments.TopicIds.Count == 0)
        {
            ThrowHelper.Input(path, 0, 0, "expected preference judgments, found an empty file");
        }

        return judgments;
    }
}
