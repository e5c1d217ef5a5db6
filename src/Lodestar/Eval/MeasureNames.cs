using System.Globalization;

namespace Lodestar.Eval;

/// <summary>The one table between trec_eval measure ids and display names (nDCG@10 = <c>ndcg_cut_10</c>).</summary>
public static class MeasureNames
{
    private static readonly (string Family, string Display)[] s_families =
    [
        ("ndcg_cut", "nDCG@"), ("map_cut", "MAP@"), ("recall", "Recall@"), ("P", "P@"), ("success", "Success@"),
        ("relative_P", "RelP@"), ("iprec_at_recall", "IPrec@R="), ("Rprec_mult", "RPrec×"), ("unj", "Unjudged@"),
        ("judged", "Judged@"), ("err", "ERR@"), ("nerr", "nERR@"),
    ];

    private static readonly Dictionary<string, string> s_single = new(StringComparer.Ordinal)
    {
        ["map"] = "MAP", ["ndcg"] = "nDCG", ["recip_rank"] = "MRR", ["Rprec"] = "R-Prec", ["bpref"] = "bpref",
        ["rbp"] = "RBP(p=0.9)", ["num_q"] = "Topics", ["num_ret"] = "Retrieved", ["num_rel"] = "Relevant", ["num_rel_ret"] = "Rel. retrieved",
    };

    /// <summary>The display name of a measure, such as nDCG@10; unlisted measures keep their trec_eval id.</summary>
    public static string Display(Measure m)
    {
        if (m.Parameter is double p)
        {
            foreach ((string family, string display) in s_families)
            {
                if (family == m.Family)
                {
                    return display + p.ToString(CultureInfo.InvariantCulture);
                }
            }

            return m.Id;
        }

        if (m.Family == "rbp" && m.Label is string label)
        {
            return "RBP(" + label["rbp_".Length..] + ")";
        }

        return s_single.TryGetValue(m.Family, out string? name) ? name : m.Id;
    }

    /// <summary>Turns a display name (nDCG@10, MRR, Recall@100) into a <c>-m</c> spec; other text is returned as is.</summary>
    public static string ToSpec(string name)
    {
        if (name.StartsWith("RBP(", StringComparison.OrdinalIgnoreCase) && name.EndsWith(')'))
        {
            // ir_measures' RBP(p=0.8) (its rel= parameter is trec_eval's -l, not a gain map).
            return "rbp." + name[4..^1].Replace(" ", "", StringComparison.Ordinal);
        }

        int at = name.IndexOf('@');
        if (at > 0)
        {
            string prefix = name[..(at + 1)];
            foreach ((string family, string display) in s_families)
            {
                if (string.Equals(display, prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return $"{family}.{name[(at + 1)..]}";
                }
            }
        }

        foreach ((string id, string display) in s_single)
        {
            if (string.Equals(display, name, StringComparison.OrdinalIgnoreCase))
            {
                return id;
            }
        }

        return name;
    }
}
