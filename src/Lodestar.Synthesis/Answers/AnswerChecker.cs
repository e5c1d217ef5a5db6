using System.Text.RegularExpressions;

namespace Lodestar.Synthesis.Answers;

/// <summary>One equality decision: the verdict and the rule that made it (recorded with every reward).</summary>
/// <param name="Equal">Whether the predicted answer equals the gold one.</param>
/// <param name="Type">The type the answers were compared as (resolved from <see cref="AnswerType.Auto"/>).</param>
/// <param name="Rule">What decided: <c>numeric</c>, <c>tolerance</c>, <c>normalized</c>, <c>bool</c>, <c>option</c>,
/// <c>list</c>, <c>unparseable</c>, or <c>judge</c> when an LLM equivalence check overruled.</param>
public sealed record AnswerDecision(bool Equal, AnswerType Type, string Rule);

/// <summary>Compares a predicted answer with a gold answer by answer type (TheoremQA's types, GSM8K numbers, MATH's LaTeX).</summary>
/// <remarks>
/// Integer: the same integer (thousands separators, units and a trailing <c>.0</c> allowed). Float: relative
/// difference at most the tolerance (TheoremQA scores with 4%), exact when the gold is 0. Number: 1e-6 relative.
/// Bool: true/false/yes/no. Option: the letter. List: same length, element by element as floats, else as LaTeX.
/// Math: equal normalised strings (<see cref="MathNormalizer"/>), or equal as numbers (<c>0.25</c> and <c>\frac14</c>).
/// </remarks>
public static partial class AnswerChecker
{
    /// <summary>TheoremQA's relative tolerance for floats.</summary>
    public const double DefaultFloatTolerance = 0.04;

    /// <summary>Compares <paramref name="predicted"/> with <paramref name="gold"/>.</summary>
    /// <param name="predicted">The extracted answer.</param>
    /// <param name="gold">The gold answer as text (JSON numbers, booleans and lists as written).</param>
    /// <param name="type">The answer type; <see cref="AnswerType.Auto"/> infers it from the gold.</param>
    /// <param name="floatTolerance">Relative tolerance of <see cref="AnswerType.Float"/>.</param>
    public static AnswerDecision Check(string predicted, string gold, AnswerType type = AnswerType.Auto, double floatTolerance = DefaultFloatTolerance)
    {
        AnswerType t = type == AnswerType.Auto ? Infer(gold) : type;
        return t switch
        {
            AnswerType.Integer => Numeric(predicted, gold, t, (p, g) => Math.Abs(p - Math.Round(p)) < 1e-9 && Math.Round(p) == Math.Round(g), "numeric"),
            AnswerType.Float => Numeric(predicted, gold, t, (p, g) => Math.Abs(p - g) <= floatTolerance * Math.Abs(g) + (g == 0 ? 1e-12 : 0), "tolerance"),
            AnswerType.Number => Numeric(predicted, gold, t, Close, "numeric"),
            AnswerType.Bool => ParseBool(predicted) is bool p && ParseBool(gold) is bool g
                ? new AnswerDecision(p == g, t, "bool") : new AnswerDecision(false, t, "unparseable"),
            AnswerType.Option => ParseOption(predicted) is char po && ParseOption(gold) is char go
                ? new AnswerDecision(po == go, t, "option") : new AnswerDecision(false, t, "unparseable"),
            AnswerType.List => CheckList(predicted, gold, floatTolerance),
            _ => CheckMath(predicted, gold),
        };
    }

    /// <summary>The type of a gold answer with none given: bool, list, number (exact), else LaTeX.</summary>
    public static AnswerType Infer(string gold)
    {
        string g = gold.Trim();
        if (ParseBool(g) is not null)
        {
            return AnswerType.Bool;
        }

        if (g.StartsWith('[') && g.EndsWith(']'))
        {
            return AnswerType.List;
        }

        return MathNormalizer.TryNumber(g, out _) ? AnswerType.Number : AnswerType.Math;
    }

    private static AnswerDecision Numeric(string predicted, string gold, AnswerType t, Func<double, double, bool> equal, string rule) =>
        TryNumber(predicted, out double p) && TryNumber(gold, out double g)
            ? new AnswerDecision(equal(p, g), t, rule)
            : new AnswerDecision(false, t, "unparseable");

    /// <summary>A number, read as written or after MATH's normalisation (units, dollars, <c>x=</c>, percent).</summary>
    private static bool TryNumber(string text, out double value) =>
        MathNormalizer.TryNumber(text, out value) || MathNormalizer.TryNumber(MathNormalizer.Normalize(text), out value);

    private static bool Close(double p, double g) => Math.Abs(p - g) <= 1e-6 * Math.Max(1, Math.Abs(g));

    private static AnswerDecision CheckMath(string predicted, string gold)
    {
        string p = MathNormalizer.Normalize(predicted);
        string g = MathNormalizer.Normalize(gold);
        if (p == g)
        {
            return new AnswerDecision(true, AnswerType.Math, "normalized");
        }

        return TryNumber(predicted, out double pv) && TryNumber(gold, out double gv)
            ? new AnswerDecision(Close(pv, gv), AnswerType.Math, "numeric")
            : new AnswerDecision(false, AnswerType.Math, "normalized");
    }

    private static AnswerDecision CheckList(string predicted, string gold, double tolerance)
    {
        List<string> p = Elements(predicted);
        List<string> g = Elements(gold);
        if (p.Count != g.Count)
        {
            return new AnswerDecision(false, AnswerType.List, "list");
        }

        for (int i = 0; i < p.Count; i++)
        {
            bool equal = TryNumber(p[i], out double pv) && TryNumber(g[i], out double gv)
                ? Math.Abs(pv - gv) <= tolerance * Math.Abs(gv) + (gv == 0 ? 1e-12 : 0)
                : MathNormalizer.Normalize(p[i]) == MathNormalizer.Normalize(g[i]);
            if (!equal)
            {
                return new AnswerDecision(false, AnswerType.List, "list");
            }
        }

        return new AnswerDecision(true, AnswerType.List, "list");
    }

    /// <summary>The top-level comma-separated elements of <c>[a, b]</c>, <c>(a, b)</c> or <c>a, b</c>.</summary>
    private static List<string> Elements(string text)
    {
        string s = text.Trim().Replace("\\left", "", StringComparison.Ordinal).Replace("\\right", "", StringComparison.Ordinal).Trim();
        if (s.Length >= 2 && s[0] is '[' or '(' && s[^1] is ']' or ')')
        {
            s = s[1..^1];
        }

        var list = new List<string>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            depth += s[i] is '{' or '(' or '[' ? 1 : s[i] is '}' or ')' or ']' ? -1 : 0;
            if (s[i] == ',' && depth == 0)
            {
                list.Add(s[start..i].Trim());
                start = i + 1;
            }
        }

        list.Add(s[start..].Trim());
        return list.Count == 1 && list[0].Length == 0 ? [] : list;
    }

    /// <summary>True/false/yes/no (in <c>\text{}</c> or not, any case); null for anything else.</summary>
    public static bool? ParseBool(string text)
    {
        string s = TextWrapper().Replace(text, "$1").Trim().Trim('.', '$', ' ').ToLowerInvariant();
        return s switch
        {
            "true" or "yes" or "correct" or "t" => true,
            "false" or "no" or "incorrect" or "f" => false,
            _ => null,
        };
    }

    /// <summary>The option letter of <c>(a)</c>, <c>A</c>, <c>b)</c>, <c>option c</c>, <c>(D) text</c>; null for anything else.</summary>
    public static char? ParseOption(string text)
    {
        Match m = OptionPattern().Match(TextWrapper().Replace(text, "$1").Trim());
        return m.Success ? char.ToLowerInvariant(m.Groups[1].Value[0]) : null;
    }

    [GeneratedRegex(@"\\(?:text|textbf|mathrm)\{([^{}]*)\}")]
    private static partial Regex TextWrapper();

    [GeneratedRegex(@"^(?i:option\s*|choice\s*)?\(?([A-Ja-j])(?:\)|\.|:|$)(?:\s.*)?$")]
    private static partial Regex OptionPattern();
}
