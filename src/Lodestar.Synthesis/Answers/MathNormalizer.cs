using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lodestar.Synthesis.Answers;

/// <summary>
/// MATH's answer normalisation (Hendrycks et al., 2021, <c>is_equiv</c>): the steps that make two ways of writing
/// one LaTeX answer the same string.
/// </summary>
/// <remarks>
/// In order: line breaks, <c>\!</c> and doubled backslashes removed; <c>\tfrac</c>/<c>\dfrac</c> become <c>\frac</c>;
/// <c>\left</c>/<c>\right</c>, degrees (<c>^\circ</c>), dollars and percent signs removed; trailing units
/// (<c>\text{…}</c>, <c>\mbox{…}</c>, or words after a number) removed; <c>.5</c> becomes <c>0.5</c>; a short
/// <c>x=</c> prefix removed; <c>\sqrt3</c> becomes <c>\sqrt{3}</c>; spaces removed; <c>\frac12</c> becomes
/// <c>\frac{1}{2}</c>; <c>0.5</c> becomes <c>\frac{1}{2}</c>; <c>a/b</c> of two integers becomes <c>\frac{a}{b}</c>.
/// </remarks>
public static partial class MathNormalizer
{
    /// <summary>The normal form of <paramref name="answer"/>.</summary>
    public static string Normalize(string answer)
    {
        string s = answer.Replace("\n", "", StringComparison.Ordinal).Replace("\\!", "", StringComparison.Ordinal)
            .Replace("\\\\", "\\", StringComparison.Ordinal)
            .Replace("\\tfrac", "\\frac", StringComparison.Ordinal).Replace("\\dfrac", "\\frac", StringComparison.Ordinal)
            .Replace("\\left", "", StringComparison.Ordinal).Replace("\\right", "", StringComparison.Ordinal)
            .Replace("^{\\circ}", "", StringComparison.Ordinal).Replace("^\\circ", "", StringComparison.Ordinal)
            .Replace("\\$", "", StringComparison.Ordinal).Replace("$", "", StringComparison.Ordinal)
            .Replace("\\%", "", StringComparison.Ordinal).Replace("%", "", StringComparison.Ordinal)
            .Replace("\\,", "", StringComparison.Ordinal).Replace("\\;", "", StringComparison.Ordinal);
        s = RemoveUnits(s.Trim());
        s = s.Replace(" .", " 0.", StringComparison.Ordinal).Replace("{.", "{0.", StringComparison.Ordinal);
        if (s.StartsWith('.'))
        {
            s = "0" + s;
        }

        string[] sides = s.Split('=');
        if (sides.Length == 2 && sides[0].Trim().Length <= 2)
        {
            s = sides[1];
        }

        s = SqrtShort().Replace(s, "\\sqrt{$1}");
        s = s.Replace(" ", "", StringComparison.Ordinal);
        s = FixFracs(s);
        if (s == "0.5")
        {
            s = "\\frac{1}{2}";
        }

        Match slash = IntSlash().Match(s);
        return slash.Success ? $"\\frac{{{slash.Groups[1].Value}}}{{{slash.Groups[2].Value}}}" : s;
    }

    /// <summary>Trailing units: <c>\text{…}</c> or <c>\mbox{…}</c> at the end, or words after a number (<c>5 cm</c>).</summary>
    private static string RemoveUnits(string s)
    {
        Match whole = WholeText().Match(s);
        if (whole.Success)
        {
            return whole.Groups[1].Value.Trim();
        }

        int text = s.IndexOf("\\text{ ", StringComparison.Ordinal);
        if (text > 0)
        {
            return s[..text].Trim();
        }

        Match unit = TrailingTextUnit().Match(s);
        if (unit.Success && unit.Index > 0)
        {
            return s[..unit.Index].Trim();
        }

        Match word = NumberThenWords().Match(s);
        return word.Success ? word.Groups[1].Value : s;
    }

    /// <summary><c>\frac12</c>, <c>\frac1{2}</c> and <c>\frac{1}2</c> become <c>\frac{1}{2}</c>.</summary>
    private static string FixFracs(string s)
    {
        string[] parts = s.Split("\\frac");
        if (parts.Length == 1)
        {
            return s;
        }

        var sb = new StringBuilder(parts[0]);
        foreach (string part in parts.Skip(1))
        {
            sb.Append("\\frac");
            if (part.Length == 0 || part[0] == '{')
            {
                if (part.Length > 0 && part.IndexOf('}') is int close and > 0 && close + 1 < part.Length && part[close + 1] != '{')
                {
                    // \frac{1}2: the denominator is one character.
                    sb.Append(part.AsSpan(0, close + 1)).Append('{').Append(part[close + 1]).Append('}').Append(part.AsSpan(close + 2));
                }
                else
                {
                    sb.Append(part);
                }

                continue;
            }

            if (part.Length < 2)
            {
                sb.Append(part);
                continue;
            }

            sb.Append('{').Append(part[0]).Append('}');
            sb.Append(part[1] == '{' ? part.AsSpan(1) : $"{{{part[1]}}}{part[2..]}");
        }

        return sb.ToString();
    }

    /// <summary>Parses a normalised answer as a number: decimals, thousands separators, <c>\frac{a}{b}</c>,
    /// <c>a/b</c>, scientific notation (<c>2e-3</c>, <c>2\times10^{-3}</c>), a leading sign.</summary>
    public static bool TryNumber(string text, out double value)
    {
        string s = text.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("\\,", "", StringComparison.Ordinal)
            .Replace("\\$", "", StringComparison.Ordinal).Replace("$", "", StringComparison.Ordinal)
            .Replace("\\dfrac", "\\frac", StringComparison.Ordinal).Replace("\\tfrac", "\\frac", StringComparison.Ordinal);
        if (Thousands().IsMatch(s))
        {
            s = s.Replace(",", "", StringComparison.Ordinal);
        }

        double sign = 1;
        if (s.StartsWith('-'))
        {
            sign = -1;
            s = s[1..];
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            value *= sign;
            return double.IsFinite(value);
        }

        Match m = Frac().Match(s);
        if (!m.Success)
        {
            m = Slash().Match(s);
        }

        if (m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
            && double.TryParse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double b) && b != 0)
        {
            value = sign * a / b;
            return true;
        }

        m = Times10().Match(s);
        if (m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double mantissa)
            && int.TryParse(m.Groups[2].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int exponent))
        {
            value = sign * mantissa * Math.Pow(10, exponent);
            return true;
        }

        value = 0;
        return false;
    }

    [GeneratedRegex(@"^\\(?:text|mbox|mathrm|textbf)\{([^{}]*)\}$")]
    private static partial Regex WholeText();

    [GeneratedRegex(@"\\sqrt(\w)")]
    private static partial Regex SqrtShort();

    [GeneratedRegex(@"^(-?\d+)/(\d+)$")]
    private static partial Regex IntSlash();

    [GeneratedRegex(@"\\(?:text|mbox|mathrm)\{[^{}]*\}$")]
    private static partial Regex TrailingTextUnit();

    [GeneratedRegex(@"^(-?[\d.,]+(?:\\times10\^\{?-?\d+\}?)?)\s+[A-Za-z][A-Za-z/^\d\s\.()\*\-{}\\]*$")]
    private static partial Regex NumberThenWords();

    [GeneratedRegex(@"^\d{1,3}(,\d{3})+(\.\d+)?$")]
    private static partial Regex Thousands();

    [GeneratedRegex(@"^\\frac\{([\d.]+)\}\{([\d.]+)\}$")]
    private static partial Regex Frac();

    [GeneratedRegex(@"^([\d.]+)/([\d.]+)$")]
    private static partial Regex Slash();

    [GeneratedRegex(@"^([\d.]+)(?:\\times|\\cdot|\*|x)10\^\{?([-+]?\d+)\}?$")]
    private static partial Regex Times10();
}
