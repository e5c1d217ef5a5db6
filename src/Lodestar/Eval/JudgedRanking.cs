using System.Buffers;
using System.Buffers.Binary;
using Lodestar.Model;

namespace Lodestar.Eval;

/// <summary>
/// One topic's ranking joined with its judgments, as trec_eval's <c>form_res_rels</c> builds it: hits sorted by
/// score (a double, as trec_eval 10 reads it) descending, ties by document id descending, cut at M; each rank holds the grade,
/// <see cref="NotJudged"/> (not in the qrels) or <see cref="Unjudged"/> (in the qrels with a negative grade).
/// </summary>
public sealed class JudgedRanking
{
    /// <summary>Marks a retrieved document absent from the qrels (trec_eval's RELVALUE_NONPOOL).</summary>
    public const int NotJudged = -1;

    /// <summary>Marks a retrieved document judged with a negative grade (trec_eval's RELVALUE_UNJUDGED).</summary>
    public const int Unjudged = -2;

    private JudgedRanking(int[] grades, int numRel, int numRelRet, long[] gradeCounts, int relevanceLevel)
    {
        Grades = grades;
        NumRel = numRel;
        NumRelRet = numRelRet;
        GradeCounts = gradeCounts;
        RelevanceLevel = relevanceLevel;
        Groups = [this];
    }

    /// <summary>Grade per rank (index 0 = rank 1).</summary>
    public int[] Grades { get; }

    /// <summary>Retrieved documents.</summary>
    public int NumRet => Grades.Length;

    /// <summary>Judged documents with grade ≥ the relevance level.</summary>
    public int NumRel { get; }

    /// <summary>Retrieved documents with grade ≥ the relevance level.</summary>
    public int NumRelRet { get; }

    /// <summary>Judged documents per non-negative grade (index = grade), retrieved or not.</summary>
    public long[] GradeCounts { get; }

    /// <summary>The minimum grade that counts as relevant (trec_eval's <c>-l</c>).</summary>
    public int RelevanceLevel { get; }

    /// <summary>The same ranking judged by each judgment group (<c>-R qrels_jg</c>); just this ranking otherwise.</summary>
    public IReadOnlyList<JudgedRanking> Groups { get; internal set; }

    /// <summary>The topic's preference judgments set against the ranking (<c>-R prefs</c>, <c>-R qrels_prefs</c>).</summary>
    public Preferences.PreferenceCounts? Preferences { get; internal set; }

    // The ideal gains of the last gain map asked (GainMap.IdealGainArray): one topic's measures run on one thread.
    internal (GainMap Map, double[] Gains)? CachedIdealGains { get; set; }

    private double[]? _precisionEnvelope;

    /// <summary>The best precision at or below the rank of each relevant retrieved document: element k (1 ≤ k ≤
    /// <see cref="NumRelRet"/>) is the largest relevant(i) / i over the ranks i from the k-th relevant document's down
    /// to the last, computed once per ranking (interpolated precision reads it at each recall level).</summary>
    internal double[] PrecisionEnvelope()
    {
        if (_precisionEnvelope is { } cached)
        {
            return cached;
        }

        double[] envelope = new double[NumRelRet + 1];
        double best = 0;
        int relevant = NumRelRet;
        for (int i = NumRet; i > 0 && relevant > 0; i--)
        {
            best = Math.Max(best, (double)relevant / i);
            if (IsRelevant(i - 1))
            {
                envelope[relevant] = best;
                relevant--;
            }
        }

        return _precisionEnvelope = envelope;
    }

    /// <summary>Whether rank index <paramref name="i"/> is relevant.</summary>
    public bool IsRelevant(int i) => Grades[i] >= RelevanceLevel;

    /// <summary>Joins <paramref name="hits"/> (any order) with <paramref name="judgments"/>.</summary>
    public static JudgedRanking Create(IReadOnlyList<Hit> hits, IReadOnlyDictionary<string, int> judgments, int relevanceLevel, int maxDocs)
    {
        var order = new (string Doc, double Score)[hits.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = (hits[i].DocId, hits[i].Score);
        }

        Array.Sort(order, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : CompareAsWritten(b.Doc, a.Doc));
        int n = Math.Min(order.Length, maxDocs);
        int[] grades = new int[n];
        for (int i = 0; i < n; i++)
        {
            grades[i] = Grade(judgments.TryGetValue(order[i].Doc, out int g), g);
        }

        return FromGrades(grades, judgments, relevanceLevel);
    }

    /// <summary>Joins a topic read as columns with <paramref name="judgments"/>: the same ranking as
    /// <see cref="Create(IReadOnlyList{Hit}, IReadOnlyDictionary{string, int}, int, int)"/>, with ties compared on the
    /// id bytes as written (trec_eval's <c>strcmp</c>) and no string per hit.</summary>
    public static JudgedRanking Create(TopicColumns hits, IReadOnlyDictionary<string, int> judgments, int relevanceLevel, int maxDocs)
    {
        int count = hits.Count;
        int[] order = ArrayPool<int>.Shared.Rent(count);
        double[] keys = ArrayPool<double>.Shared.Rent(count);
        ulong[] idKeys = ArrayPool<ulong>.Shared.Rent(count);
        try
        {
            SortByScoreThenId(hits, order.AsSpan(0, count), keys.AsSpan(0, count), idKeys);
            return Join(hits, order.AsSpan(0, count), judgments, relevanceLevel, maxDocs);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<double>.Shared.Return(keys);
            ArrayPool<ulong>.Shared.Return(idKeys);
        }
    }

    // trec_eval's order: score descending, ties by id bytes descending (strcmp). Sorted on the negated scores as keys,
    // then each run of equal scores by id (SortTiesById): the same total order as one comparison sort, without a
    // delegate call per comparison. NaN scores (which a key sort would move first) take the comparison sort.
    private static void SortByScoreThenId(TopicColumns hits, Span<int> order, Span<double> keys, ulong[] idKeys)
    {
        bool nan = false;
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = -hits.Score(i);
            nan |= double.IsNaN(keys[i]);
        }

        if (nan)
        {
            order.Sort(new ScoreThenIdDescending(hits));
            return;
        }

        keys.Sort(order);
        for (int i = 0; i < order.Length;)
        {
            int j = i + 1;
            while (j < order.Length && keys[j] == keys[i])
            {
                j++;
            }

            if (j - i > 1)
            {
                SortTiesById(hits, order[i..j], idKeys.AsSpan(0, j - i), 0);
            }

            i = j;
        }
    }

    // Ids descending, as strcmp orders their bytes: on 8 bytes at a time taken as big-endian keys (zero-padded, which
    // orders a shorter id first as strcmp does), each run of equal keys sorted again on the next 8 bytes until the ids
    // end. Tied runs are long in runs with coarse scores (BRIGHT's published runs have few distinct scores per topic),
    // and BRIGHT's ids share long prefixes (a file name, then a chunk number): keys all the way down allocate nothing,
    // where a comparer would box and wrap a delegate at every tied run.
    private static void SortTiesById(TopicColumns hits, Span<int> group, Span<ulong> keys, int offset)
    {
        Span<byte> chunk = stackalloc byte[8];
        bool longer = false;
        for (int i = 0; i < group.Length; i++)
        {
            ReadOnlySpan<byte> id = hits.DocIdBytes(group[i]);
            chunk.Clear();
            if (id.Length > offset)
            {
                id[offset..Math.Min(id.Length, offset + 8)].CopyTo(chunk);
            }

            longer |= id.Length > offset + 8;
            keys[i] = ~BinaryPrimitives.ReadUInt64BigEndian(chunk); // ascending on the complement: descending ids
        }

        keys.Sort(group);
        if (!longer)
        {
            return; // every id ends in these 8 bytes: equal keys are equal ids
        }

        for (int i = 0; i < group.Length;)
        {
            int j = i + 1;
            while (j < group.Length && keys[j] == keys[i])
            {
                j++;
            }

            if (j - i > 1)
            {
                SortTiesById(hits, group[i..j], keys[i..j], offset + 8);
            }

            i = j;
        }
    }

    private readonly struct ScoreThenIdDescending(TopicColumns hits) : IComparer<int>
    {
        public int Compare(int a, int b)
        {
            double x = hits.Score(a), y = hits.Score(b);
            return x != y ? y.CompareTo(x) : hits.DocIdBytes(b).SequenceCompareTo(hits.DocIdBytes(a));
        }
    }

    private static JudgedRanking Join(TopicColumns hits, ReadOnlySpan<int> order, IReadOnlyDictionary<string, int> judgments, int relevanceLevel, int maxDocs)
    {
        int n = Math.Min(order.Length, maxDocs);
        int[] grades = new int[n];
        // Qrels read from a file keep their ids as UTF-8 (Judgments): a run's id is looked up as the bytes it was
        // read as, unless it is escaped (%20), when the id it stands for is.
        var bytes = judgments as Judgments;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> id = hits.DocIdBytes(order[i]);
            int g;
            bool found = bytes is not null && id.IndexOf((byte)'%') < 0
                ? bytes.TryGetValue(id, out g)
                : judgments.TryGetValue(hits.DocId(order[i]), out g);
            grades[i] = Grade(found, g);
        }

        return FromGrades(grades, judgments, relevanceLevel);
    }

    private static int Grade(bool judged, int grade) => judged ? (grade < 0 ? Unjudged : grade) : NotJudged;

    private static JudgedRanking FromGrades(int[] grades, IReadOnlyDictionary<string, int> judgments, int relevanceLevel)
    {
        int numRelRet = 0;
        foreach (int g in grades)
        {
            if (g >= relevanceLevel)
            {
                numRelRet++;
            }
        }

        // The qrels' own grades are read as a span: no enumerator per topic (a judgment group's are copied).
        ReadOnlySpan<int> judged = judgments is Judgments j ? j.Grades : [.. judgments.Values];
        int maxGrade = 0;
        foreach (int g in judged)
        {
            maxGrade = Math.Max(maxGrade, g);
        }

        long[] counts = new long[maxGrade + 1];
        int numRel = 0;
        foreach (int g in judged)
        {
            if (g >= 0)
            {
                counts[g]++;
                if (g >= relevanceLevel)
                {
                    numRel++;
                }
            }
        }

        return new JudgedRanking(grades, numRel, numRelRet, counts, relevanceLevel);
    }

    /// <summary>
    /// Compares two document ids as trec_eval's <c>strcmp</c> compares them: byte by byte in the form they are
    /// written in a TREC file (UTF-8, white space escaped as <c>%20</c> etc.), not in decoded form.
    /// </summary>
    public static int CompareAsWritten(string a, string b)
    {
        if (!NeedsBytes(a) && !NeedsBytes(b))
        {
            return string.CompareOrdinal(a, b);
        }

        byte[] x = System.Text.Encoding.UTF8.GetBytes(Formats.TrecIds.Escape(a));
        byte[] y = System.Text.Encoding.UTF8.GetBytes(Formats.TrecIds.Escape(b));
        return x.AsSpan().SequenceCompareTo(y);
    }

    // UTF-16 ordinal order equals UTF-8 byte order except for escaped white space and surrogate pairs.
    private static bool NeedsBytes(string id)
    {
        foreach (char c in id)
        {
            if (c <= ' ' || char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>trec_eval's relstring: one character per rank for the first <paramref name="length"/> ranks: the
    /// grade 0-9, '>' above 9, '-' not judged, '.' judged with a negative grade.</summary>
    public string RelString(int length)
    {
        int n = Math.Max(0, Math.Min(length, NumRet));
        return string.Create(n, Grades, static (span, grades) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                int g = grades[i];
                span[i] = g > 9 ? '>' : g >= 0 ? (char)('0' + g) : g == NotJudged ? '-' : '.';
            }
        });
    }

    /// <summary>Relevant documents in the first <paramref name="k"/> ranks.</summary>
    public int RelevantIn(int k)
    {
        int count = 0;
        for (int i = 0; i < Math.Min(k, NumRet); i++)
        {
            if (IsRelevant(i))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The gain of a grade: the grade itself for judged grades (trec_eval's default gains), else 0.</summary>
    public static double Gain(int grade) => grade > 0 ? grade : 0;

    /// <summary>The ideal gains in decreasing order: every judged document with a positive gain.</summary>
    public IEnumerable<double> IdealGains()
    {
        for (int g = GradeCounts.Length - 1; g > 0; g--)
        {
            for (long c = 0; c < GradeCounts[g]; c++)
            {
                yield return g;
            }
        }
    }
}
