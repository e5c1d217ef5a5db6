using System.Globalization;

namespace Lodestar.Eval;

/// <summary>
/// The gain of each relevance grade for the nDCG family: the grade itself unless <c>-m ndcg.GRADE=GAIN,...</c>
/// maps it (trec_eval's <c>setup_gains</c>). Grades below 0 (not judged) always gain 0.
/// </summary>
public sealed class GainMap
{
    /// <summary>The default map: gain = grade.</summary>
    public static GainMap Identity { get; } = new([]);

    private readonly (long Grade, double Gain)[] _pairs;

    private GainMap((long Grade, double Gain)[] pairs) => _pairs = pairs;

    /// <summary>Parses <c>name=value</c> pairs; names that are not integers (such as RBP's <c>p</c>) are skipped, as
    /// trec_eval skips them. No gain pairs give <see cref="Identity"/> itself.</summary>
    /// <remarks>A ranking caches the ideal gains of the last map asked: the nDCG measures without pairs (ndcg,
    /// ndcg_rel, Rndcg beside ndcg_cut's) share one map, so one topic computes its ideal gains once, not once per
    /// measure.</remarks>
    public static GainMap FromPairs(IEnumerable<(string Name, double Value)> pairs)
    {
        var parsed = new List<(long Grade, double Gain)>();
        foreach ((string name, double value) in pairs)
        {
            if (long.TryParse(name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long grade))
            {
                parsed.Add((grade, value));
            }
        }

        return parsed.Count == 0 ? Identity : new GainMap([.. parsed]);
    }

    /// <summary>The gain of <paramref name="grade"/>: the mapped gain, the grade for an unmapped judged grade, 0 for
    /// not-judged documents.</summary>
    public double Gain(int grade)
    {
        foreach ((long g, double gain) in _pairs)
        {
            if (g == grade)
            {
                return gain;
            }
        }

        return grade > 0 ? grade : 0;
    }

    /// <summary>The ideal ranking's gains, best first, while positive: each judged grade contributes its count.</summary>
    /// <remarks>trec_eval orders the levels by gain with an integer-truncated comparison; a stable sort on
    /// (int)(a − b) keeps that order. Computed once per ranking and map: the nDCG family asks for it once per measure.</remarks>
    public IReadOnlyList<double> IdealGains(JudgedRanking r) => IdealGainArray(r);

    /// <summary>As <see cref="IdealGains"/>, the ranking's cached array (callers must not change it).</summary>
    internal double[] IdealGainArray(JudgedRanking r)
    {
        if (r.CachedIdealGains is { } cached && ReferenceEquals(cached.Map, this))
        {
            return cached.Gains;
        }

        long[] counts = r.GradeCounts;
        int extra = 0;
        for (int g = 0; g < counts.Length; g++)
        {
            if (!MapsGrade(g))
            {
                extra++;
            }
        }

        var levels = new (double Gain, long Count)[_pairs.Length + extra];
        int n = 0;
        foreach ((long g, double gain) in _pairs)
        {
            levels[n++] = (gain, g >= 0 && g < counts.Length ? counts[g] : 0);
        }

        for (int g = 0; g < counts.Length; g++)
        {
            if (!MapsGrade(g))
            {
                levels[n++] = (g, counts[g]);
            }
        }

        // LINQ's Order is stable: equal levels keep the order above (the comparer is trec_eval's). Without pairs the
        // levels are the integer grades 0, 1, 2, … already in order, which every stable sort leaves as they are.
        if (_pairs.Length > 0)
        {
            levels = [.. levels.Order(Comparer<(double Gain, long Count)>.Create(static (a, b) => (int)(a.Gain - b.Gain)))];
        }
        long total = 0;
        for (int i = levels.Length - 1; i >= 0 && levels[i].Gain > 0; i--)
        {
            total += levels[i].Count;
        }

        double[] ideal = new double[total];
        int k = 0;
        for (int i = levels.Length - 1; i >= 0 && levels[i].Gain > 0; i--)
        {
            ideal.AsSpan(k, (int)levels[i].Count).Fill(levels[i].Gain);
            k += (int)levels[i].Count;
        }

        r.CachedIdealGains = (this, ideal);
        return ideal;
    }

    private bool MapsGrade(long grade)
    {
        foreach ((long g, _) in _pairs)
        {
            if (g == grade)
            {
                return true;
            }
        }

        return false;
    }
}
