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
    /// trec_eval skips them.</summary>
    public static GainMap FromPairs(IEnumerable<(string Name, double Value)> pairs) => new(
        [.. pairs.Where(p => long.TryParse(p.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            .Select(p => (long.Parse(p.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), p.Value))]);

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
    /// (int)(a − b) keeps that order.</remarks>
    public IEnumerable<double> IdealGains(JudgedRanking r)
    {
        var levels = new List<(double Gain, long Count)>();
        foreach ((long g, double gain) in _pairs)
        {
            levels.Add((gain, g >= 0 && g < r.GradeCounts.Length ? r.GradeCounts[g] : 0));
        }

        for (int g = 0; g < r.GradeCounts.Length; g++)
        {
            if (!Array.Exists(_pairs, p => p.Grade == g))
            {
                levels.Add((g, r.GradeCounts[g]));
            }
        }

        (double Gain, long Count)[] sorted = [.. levels.Order(Comparer<(double Gain, long Count)>.Create(static (a, b) => (int)(a.Gain - b.Gain)))];
        for (int i = sorted.Length - 1; i >= 0 && sorted[i].Gain > 0; i--)
        {
            for (long c = 0; c < sorted[i].Count; c++)
            {
                yield return sorted[i].Gain;
            }
        }
    }
}
