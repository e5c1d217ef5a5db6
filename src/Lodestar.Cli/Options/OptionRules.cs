using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Lodestar.Cli.Options;

/// <summary>
/// Range checks for count and size options: a value outside the range is a usage error (exit 2) that names the
/// option, such as <c>--k must be at least 1, found -5</c>. Every numeric option of a command declares its range
/// with one of these (a test walks the command tree and fails on one that does not).
/// </summary>
public static class OptionRules
{
    /// <summary>Accepts <paramref name="min"/> ≤ value ≤ <paramref name="max"/>.</summary>
    public static Option<int> Range(this Option<int> option, int min, int max)
    {
        option.Validators.Add(result => Check(result, option.Name, min, max,
            static s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null));
        return option;
    }

    /// <summary>Accepts <paramref name="min"/> ≤ value ≤ <paramref name="max"/> when the option is given.</summary>
    public static Option<int?> Range(this Option<int?> option, int min, int max)
    {
        option.Validators.Add(result => Check(result, option.Name, min, max,
            static s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null));
        return option;
    }

    /// <summary>Accepts value ≥ <paramref name="min"/>.</summary>
    public static Option<int> AtLeast(this Option<int> option, int min) => option.Range(min, int.MaxValue);

    /// <summary>Accepts <paramref name="min"/> ≤ value ≤ <paramref name="max"/>.</summary>
    public static Option<long> Range(this Option<long> option, long min, long max)
    {
        option.Validators.Add(result => Check(result, option.Name, min, max,
            static s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null));
        return option;
    }

    /// <summary>Accepts <paramref name="min"/> ≤ value ≤ <paramref name="max"/> (finite values only).</summary>
    public static Option<double> Range(this Option<double> option, double min, double max)
    {
        option.Validators.Add(result => Check(result, option.Name, min, max,
            static s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null));
        return option;
    }

    /// <summary>Accepts <paramref name="min"/> ≤ value ≤ <paramref name="max"/> when the option is given.</summary>
    public static Option<long?> Range(this Option<long?> option, long min, long max)
    {
        option.Validators.Add(result => Check(result, option.Name, min, max,
            static s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null));
        return option;
    }

    /// <summary>Accepts <paramref name="min"/> ≤ value ≤ <paramref name="max"/> when the option is given (finite values only).</summary>
    public static Option<double?> Range(this Option<double?> option, double min, double max)
    {
        option.Validators.Add(result => Check(result, option.Name, min, max,
            static s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null));
        return option;
    }

    /// <summary>Accepts an absolute http:// or https:// URL, such as <c>http://127.0.0.1:30000</c>.</summary>
    public static TOption Url<TOption>(this TOption option)
        where TOption : Option
    {
        option.Validators.Add(result => CheckUrl(result, option.Name));
        return option;
    }

    /// <summary>Whether <paramref name="option"/> has a range check (numeric options must).</summary>
    internal static bool HasRange(Option option) => option.Validators.Count > 0;

    /// <summary>Checks the option's last token; a token that is not a number is left to the value parser's error.</summary>
    private static void Check<T>(OptionResult result, string name, T min, T max, Func<string, T?> parse)
        where T : struct, IComparable<T>
    {
        foreach (Token token in result.Tokens)
        {
            if (parse(token.Value) is not T value || (value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0))
            {
                continue;
            }

            string range = max.Equals(MaxOf<T>()) ? $"at least {Format(min)}" : $"between {Format(min)} and {Format(max)}";
            result.AddError($"{name} must be {range}, found {token.Value}");
            return;
        }
    }

    private static void CheckUrl(OptionResult result, string name)
    {
        foreach (Token token in result.Tokens)
        {
            if (!Uri.TryCreate(token.Value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                result.AddError($"{name} expects an http:// or https:// URL such as http://127.0.0.1:30000, found '{token.Value}'");
            }
        }
    }

    private static T MaxOf<T>() where T : struct => typeof(T) == typeof(int) ? (T)(object)int.MaxValue
        : typeof(T) == typeof(long) ? (T)(object)long.MaxValue : (T)(object)double.MaxValue;

    private static string Format<T>(T value) => string.Format(CultureInfo.InvariantCulture, "{0}", value);
}
