using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Lodestar.Cli.Options;

/// <summary>
/// Parsers for every number, true/false and enum option and argument of the command tree, so that a bad value reads
/// <c>--k expects a whole number, found 'abc'</c> or <c>--bm25 expects bright or lucene, found 'anserini'</c>
/// instead of System.CommandLine's message with a .NET type name; enum values are written and accepted in lower case.
/// </summary>
/// <remarks>Installed once on the root by <see cref="Cli.CreateRoot(CliContext, Func{string, bool})"/>, so new commands get them without code.</remarks>
internal static class ValueParsers
{
    /// <summary>Installs the parsers on every option and argument under <paramref name="command"/>.</summary>
    /// <param name="command">The root of the tree.</param>
    /// <param name="lean">For a tree that only parses (<see cref="Cli.CommandAloneFor"/>), never shows help and hands
    /// its errors to the real tree: enum options get no help names and completions, and their value names are read
    /// (reflection: about 30 fresh pages) only when such an option is given.</param>
    public static void Install(Command command, bool lean = false)
    {
        foreach (Option option in command.Options)
        {
            Apply(option, option.Name, option.ValueType, lean);
        }

        foreach (Argument argument in command.Arguments)
        {
            Apply(argument, argument.Name, argument.ValueType, lean);
        }

        foreach (Command sub in command.Subcommands)
        {
            Install(sub, lean);
        }
    }

    /// <summary>The lower-case names of an enum's values, as the command line writes them.</summary>
    public static string[] NamesOf(Type enumType) => [.. System.Enum.GetNames(enumType).Select(n => n.ToLowerInvariant())];

    // Every instantiation is written out, not made with MakeGenericMethod: a native AOT build has code only for the
    // generic instantiations it can see. A command that adds an option of a new enum type must add it here; until it
    // does, building the command tree throws (every CLI test builds it).
    private static readonly Dictionary<Type, Action<Symbol, string, bool>> s_parsers = new()
    {
        [typeof(int)] = (s, n, _) => SetScalar<int>(s, n, typeof(int)),
        [typeof(int?)] = (s, n, _) => SetScalar<int?>(s, n, typeof(int)),
        [typeof(long)] = (s, n, _) => SetScalar<long>(s, n, typeof(long)),
        [typeof(long?)] = (s, n, _) => SetScalar<long?>(s, n, typeof(long)),
        [typeof(double)] = (s, n, _) => SetScalar<double>(s, n, typeof(double)),
        [typeof(double?)] = (s, n, _) => SetScalar<double?>(s, n, typeof(double)),
        [typeof(bool)] = (s, n, _) => SetScalar<bool>(s, n, typeof(bool)),
        [typeof(bool?)] = (s, n, _) => SetScalar<bool?>(s, n, typeof(bool)),
        [typeof(string[])] = (s, _, _) => SetStrings(s),
    };

    static ValueParsers()
    {
        Enum<Lodestar.Cli.Commands.RetrievalMode>();
        Enum<Lodestar.Dense.Precision>();
        Enum<Lodestar.Fusion.FusionMethod>();
        Enum<Lodestar.Fusion.ScoreNormalization>();
        Enum<Lodestar.Index.EmptyDocumentPolicy>();
        Enum<Lodestar.Llm.Embedding.Pooling>();
        Enum<Lodestar.Search.Bm25Mode>();
#if !LODESTAR_CORE
        // (the model commands' enums: the core executable has none of those commands)
        Enum<Lodestar.Llm.Engine.ChatFormat>();
        Enum<Lodestar.Rerank.Listwise.ListwisePromptStyle>();
        Enum<Lodestar.Rerank.RetroStar.FailureRule>();
        Enum<Lodestar.Rerank.RetroStar.Integration>();
        Enum<Lodestar.Synthesis.Data.TevatronFormat>();
#endif
    }

    private static void Apply(Symbol symbol, string name, Type type, bool lean)
    {
        if (s_parsers.TryGetValue(type, out Action<Symbol, string, bool>? set))
        {
            set(symbol, name, lean);
        }
        else if ((Nullable.GetUnderlyingType(type) ?? type).IsEnum)
        {
            throw new InvalidOperationException($"{name}: add the enum type {type} to the list in {nameof(ValueParsers)}'s static constructor");
        }
    }

    /// <summary>Adds the parser of an enum option type (and its nullable form).</summary>
    internal static void Enum<T>()
        where T : struct, System.Enum
    {
        s_parsers[typeof(T)] = (s, n, lean) => SetEnum<T>(s, n, typeof(T), lean);
        s_parsers[typeof(T?)] = (s, n, lean) => SetEnum<T?>(s, n, typeof(T), lean);
    }

    private static void SetScalar<T>(Symbol symbol, string name, Type value)
    {
        Func<string, object?> parse = value == typeof(int) ? s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : null
            : value == typeof(long) ? s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : null
            : value == typeof(double) ? s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : null
            : s => bool.TryParse(s, out bool b) ? b : null;
        string expected = value == typeof(double) ? "a number" : value == typeof(bool) ? "true or false" : "a whole number";
        Set<T>(symbol, name, () => expected, parse, allowEmpty: value == typeof(bool));
    }

    private static void SetEnum<T>(Symbol symbol, string name, Type value, bool lean)
    {
        // The accepted names and the message are the same either way; a lean tree reads them only when parsing a value.
        Set<T>(symbol, name, () => Expected(NamesOf(value)),
            s => System.Enum.GetNames(value).FirstOrDefault(n => n.Equals(s, StringComparison.OrdinalIgnoreCase)) is string found ? System.Enum.Parse(value, found) : null,
            allowEmpty: false);
        if (lean)
        {
            return;
        }

        string[] names = NamesOf(value);
        if (symbol is Option option)
        {
            option.HelpName ??= string.Join('|', names);
            option.CompletionSources.Add(names);
        }
        else if (symbol is Argument argument)
        {
            argument.HelpName ??= string.Join('|', names);
            argument.CompletionSources.Add(names);
        }
    }

    private static string Expected(string[] names) => string.Join(", ", names[..^1]) + (names.Length > 1 ? " or " : "") + names[^1];

    // A list of strings is its tokens' values, as System.CommandLine's own converter makes it, without that
    // converter's reflection (Array.CreateInstance and its type loading: about 18 fresh pages of every start-up that
    // has a list option, such as `eval`'s runs and -m).
    private static void SetStrings(Symbol symbol)
    {
        static string[] Parse(ArgumentResult result)
        {
            string[] values = new string[result.Tokens.Count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = result.Tokens[i].Value;
            }

            return values;
        }

        switch (symbol)
        {
            case Option<string[]> { CustomParser: null } option:
                option.CustomParser = Parse;
                break;
            case Argument<string[]> { CustomParser: null } argument:
                argument.CustomParser = Parse;
                break;
        }
    }

    private static void Set<T>(Symbol symbol, string name, Func<string> expected, Func<string, object?> parse, bool allowEmpty)
    {
        T? Parse(ArgumentResult result)
        {
            if (result.Tokens.Count == 0)
            {
                return allowEmpty ? (T)(object)true : default;
            }

            string token = result.Tokens[^1].Value;
            if (parse(token) is object value)
            {
                return (T)value;
            }

            result.AddError($"{name} expects {expected()}, found '{token}'");
            return default;
        }

        switch (symbol)
        {
            case Option<T> { CustomParser: null } option:
                option.CustomParser = Parse;
                break;
            case Argument<T> { CustomParser: null } argument:
                argument.CustomParser = Parse;
                break;
        }
    }
}
