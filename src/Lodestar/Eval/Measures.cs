using System.Globalization;

namespace Lodestar.Eval;

/// <summary>
/// The catalogue of trec_eval measures (version 10 semantics), in the order trec_eval prints them, and the parser
/// for <c>-m</c> arguments with trec_eval's rules: a name or nickname (<c>official</c>, <c>all_trec</c>, <c>set</c>)
/// marks measures; the first <c>-m name.params</c> of a measure gives its parameters; output follows the catalogue.
/// </summary>
public static partial class Measures
{
    private static readonly string[] s_official = ["runid", "num_q", "num_ret", "num_rel", "num_rel_ret", "map", "gm_map", "Rprec", "bpref", "recip_rank", "iprec_at_recall", "P"];

    private static readonly Dictionary<string, string[]> s_nicknames = new(StringComparer.Ordinal)
    {
        ["official"] = s_official,
        ["all_trec"] =
        [
            .. s_official, "relstring", "recall", "unj", "rbp", "rbp_resid", "infAP", "gm_bpref", "utility", "11pt_avg", "ndcg",
            "relative_P", "Rprec_mult", "success", "map_cut", "ndcg_cut", "ndcg_rel", "Rndcg", "binG", "G", "set_P", "set_recall",
            "set_relative_P", "set_map", "set_F", "num_nonrel_judged_ret",
        ],
        ["set"] = ["runid", "num_q", "num_ret", "num_rel", "num_rel_ret", "utility", "set_P", "set_recall", "set_relative_P", "set_map", "set_F"],
        ["all_prefs"] =
        [
            "runid", "num_q", "prefs_num_prefs_poss", "prefs_num_prefs_ful", "prefs_num_prefs_ful_ret", "prefs_simp", "prefs_pair",
            "prefs_avgjg", "prefs_avgjg_Rnonrel", "prefs_simp_ret", "prefs_pair_ret", "prefs_avgjg_ret", "prefs_avgjg_Rnonrel_ret",
            "prefs_simp_imp", "prefs_pair_imp", "prefs_avgjg_imp",
        ],
        ["prefs"] = ["runid", "num_q", "prefs_num_prefs_poss", "prefs_num_prefs_ful", "prefs_num_prefs_ful_ret", "prefs_simp", "prefs_pair", "prefs_avgjg"],
        ["qrels_jg"] = ["runid", "num_q", "map_avgjg", "P_avgjg", "Rprec_mult_avgjg"],
    };

    // Built on first use: a command that parses its own -m list (most evals) does not pay for these two as well.
    private static IReadOnlyList<Measure>? s_allTrec;
    private static IReadOnlyList<Measure>? s_officialMeasures;

    /// <summary>Every measure of <c>-m all_trec</c>, in trec_eval's order.</summary>
    public static IReadOnlyList<Measure> AllTrec => s_allTrec ??= Parse(["all_trec"]);

    /// <summary>trec_eval's default set (<c>-m official</c>), printed when no <c>-m</c> is given.</summary>
    public static IReadOnlyList<Measure> Official => s_officialMeasures ??= Parse(["official"]);

    /// <summary>Resolves <c>-m</c> arguments (trec_eval syntax) to measures, in trec_eval's print order.</summary>
    /// <param name="specs">Measure names, nicknames, or <c>name.params</c>.</param>
    /// <param name="ignored">Called with each <c>-m name.params</c> whose parameters are ignored because an
    /// earlier one named the same measure (trec_eval keeps the first).</param>
    /// <exception cref="ArgumentException">An unknown measure name or a bad parameter list.</exception>
    public static List<Measure> Parse(IEnumerable<string> specs, Action<string>? ignored = null)
    {
        var marked = new HashSet<string>(StringComparer.Ordinal);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string raw in specs)
        {
            string spec = raw == "all" ? "all_trec" : raw;
            int dot = spec.IndexOf('.');
            string name = dot < 0 ? spec : spec[..dot];
            if (dot >= 0)
            {
                string p = spec[(dot + 1)..];
                if (p.Length == 0)
                {
                    throw new ArgumentException($"measure '{spec}' has an empty parameter list, expected such as {name}.10");
                }

                if (!parameters.TryAdd(name, p))
                {
                    ignored?.Invoke(spec);
                }
            }

            if (s_nicknames.TryGetValue(name, out string[]? names))
            {
                marked.UnionWith(names);
            }
            else if (Array.Exists(s_families, f => f.Name == name))
            {
                marked.Add(name);
            }
            else
            {
                throw new ArgumentException($"unknown measure '{name}', expected a trec_eval measure such as map, ndcg_cut.10, P.5, recall.100, recip_rank, or official, all_trec, set");
            }
        }

        var result = new List<Measure>();
        foreach (Family f in s_families)
        {
            if (marked.Contains(f.Name))
            {
                Expand(f, parameters.GetValueOrDefault(f.Name), result);
            }
        }

        return result;
    }

    /// <summary>Each spec on its own (so <c>recall.100</c> and <c>recall.1000</c> both count), concatenated without
    /// repeats: for lists of measures that are not trec_eval command lines, such as a regression's expectations.</summary>
    /// <exception cref="ArgumentException">An unknown measure name or a bad parameter list.</exception>
    public static List<Measure> ParseEach(IEnumerable<string> specs) =>
        [.. specs.SelectMany(s => Parse([s])).DistinctBy(m => m.Id)];

    // The measures of family f, with the parameters given (or the family's defaults), added to result. Plain loops, not
    // LINQ: an eval parses its measures at every start, and all_trec's 150 are a millisecond of start-up through
    // iterators and first-call dispatch.
    private static void Expand(Family f, string? given, List<Measure> result)
    {
        switch (f.Kind)
        {
            case ParamKind.LongCutoffs:
                foreach (long k in LongCutoffs(f.Name, given ?? f.Defaults!))
                {
                    var cutoff = new MeasureArgs(k, [], []);
                    result.Add(new Measure(f.Name, k, f.Aggregation, r => f.Compute(r, cutoff)));
                }

                break;
            case ParamKind.DoubleCutoffs:
                foreach (double level in DoubleCutoffs(f.Name, given ?? f.Defaults!))
                {
                    var levelArgs = new MeasureArgs(level, [], []);
                    result.Add(new Measure(f.Name, level, f.Aggregation, r => f.Compute(r, levelArgs))
                    {
                        Label = $"{f.Name}_{level.ToString("F2", CultureInfo.InvariantCulture)}",
                    });
                }

                break;
            case ParamKind.Doubles:
                string[] parts = (given ?? f.Defaults!).Split(',');
                double[] values = new double[parts.Length];
                for (int i = 0; i < parts.Length; i++)
                {
                    values[i] = CAtof(parts[i]);
                }

                var args = new MeasureArgs(0, values, []);
                result.Add(new Measure(f.Name, null, f.Aggregation, r => f.Compute(r, args))
                {
                    Label = given is null ? null : $"{f.Name}_{given}",
                    PerTopic = f.PerTopic,
                });
                break;
            case ParamKind.Pairs:
                (string, double)[] pairs = given is null ? [] : Pairs(f.Name, given);
                var pairArgs = new MeasureArgs(0, [], pairs) { Gains = GainMap.FromPairs(pairs) };
                result.Add(new Measure(f.Name, null, f.Aggregation, r => f.Compute(r, pairArgs)) { Label = given is null ? null : $"{f.Name}_{given}" });
                break;
            default:
                result.Add(new Measure(f.Name, null, f.Aggregation, r => f.Compute(r, MeasureArgs.None)) { PerTopic = f.PerTopic });
                break;
        }
    }

    /// <summary>Comma-separated integer cutoffs read as C's <c>atol</c> reads them (<c>23.4</c> is 23), sorted,
    /// positive and distinct.</summary>
    private static long[] LongCutoffs(string name, string text)
    {
        string[] parts = text.Split(',');
        long[] cutoffs = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            cutoffs[i] = (long)CAtof(TakeInteger(parts[i]));
        }

        Array.Sort(cutoffs);
        if (cutoffs[0] <= 0)
        {
            throw new ArgumentException($"measure '{name}.{text}': cutoffs must be positive integers");
        }

        for (int i = 1; i < cutoffs.Length; i++)
        {
            if (cutoffs[i] == cutoffs[i - 1])
            {
                throw new ArgumentException($"measure '{name}.{text}': duplicate cutoffs");
            }
        }

        return cutoffs;
    }

    private static double[] DoubleCutoffs(string name, string text)
    {
        string[] parts = text.Split(',');
        double[] cutoffs = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            cutoffs[i] = CAtof(parts[i]);
        }

        Array.Sort(cutoffs);
        for (int i = 1; i < cutoffs.Length; i++)
        {
            if (cutoffs[i] == cutoffs[i - 1])
            {
                throw new ArgumentException($"measure '{name}.{text}': duplicate cutoffs");
            }
        }

        return cutoffs;
    }

    private static (string, double)[] Pairs(string name, string text)
    {
        var pairs = new List<(string, double)>();
        foreach (string part in text.Split(','))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || part.IndexOf('=', eq + 1) >= 0)
            {
                throw new ArgumentException($"measure '{name}.{text}': expected name=value pairs such as {name}.1=1,2=3");
            }

            pairs.Add((part[..eq], CAtof(part[(eq + 1)..])));
        }

        return [.. pairs];
    }

    private static string TakeInteger(string s)
    {
        string t = s.Trim();
        int end = t.Length > 0 && (t[0] == '-' || t[0] == '+') ? 1 : 0;
        while (end < t.Length && char.IsAsciiDigit(t[end]))
        {
            end++;
        }

        return t[..end];
    }

    /// <summary>C's <c>atof</c>: the longest numeric prefix, 0 when there is none.</summary>
    private static double CAtof(string s)
    {
        string t = s.Trim();
        for (int end = t.Length; end > 0; end--)
        {
            if (double.TryParse(t.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                return v;
            }
        }

        return 0;
    }
}
