using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Lodestar.Errors;
using Lodestar.Fusion;
using Lodestar.Rerank.Listwise;
using Lodestar.Rerank.Thinking;
using Lodestar.Rewrite;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lodestar.Pipeline.Recipes;

/// <summary>
/// Reads a recipe YAML file. Every problem (bad YAML, an unknown key, a bad value, a name used twice or named before
/// it is defined) is an <see cref="InputException"/> at its <c>path:line:col</c> saying what was expected and found.
/// </summary>
public static partial class RecipeReader
{
    private static readonly string[] s_topKeys = ["name", "description", "rewrites", "retrievers", "fusions", "reranks", "final"];
    private static readonly string[] s_rewriteKeys = ["name", "method", "model", "endpoint", "thinking"];
    private static readonly string[] s_retrieverKeys = ["name", "kind", "queries", "k", "model", "endpoint", "profile"];
    private static readonly string[] s_fusionKeys = ["name", "method", "norm", "runs", "depth", "top", "rrf_k"];
    private static readonly string[] s_rerankKeys = ["name", "method", "run", "model", "endpoint", "cascade", "top", "window", "stride", "passes", "prompt", "k", "children", "thinking"];

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="InputException">The file is not a valid recipe.</exception>
    public static Recipe Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(path, new UTF8Encoding(false, true).GetString(bytes), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Parses recipe <paramref name="text"/> (named <paramref name="path"/> in errors).</summary>
    /// <exception cref="InputException">The text is not a valid recipe.</exception>
    public static Recipe Parse(string path, string text, string? sha256 = null)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InputException(new SourcePosition(path, Math.Max(1, e.Start.Line), Math.Max(1, e.Start.Column)),
                $"expected valid YAML, found {MarkPrefix().Replace(e.InnerException?.Message ?? e.Message, "")}");
        }

        var r = new Reader(path);
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new InputException(new SourcePosition(path, 1, 1), "expected a recipe (a mapping with retrievers: and more), found an empty file");
        }

        YamlMappingNode root = r.Mapping(yaml.Documents[0].RootNode, "a recipe (a mapping with retrievers: and more)");
        r.CheckKeys(root, s_topKeys);
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["original"] = "topics" };
        var runs = new HashSet<string>(StringComparer.Ordinal);
        var rewrites = r.Items(root, "rewrites").Select(m => ReadRewrite(r, m, names)).ToList();
        var retrievers = r.Items(root, "retrievers").Select(m => ReadRetriever(r, m, names, runs)).ToList();
        if (retrievers.Count == 0)
        {
            YamlNode at = root.Children.TryGetValue(new YamlScalarNode("retrievers"), out YamlNode? n) ? n : root;
            r.Fail(at, "at least one retriever (retrievers: - name: bm25 …)", r.Found(at));
        }

        var fusions = r.Items(root, "fusions").Select(m => ReadFusion(r, m, names, runs, null)).ToList();
        var reranks = r.Items(root, "reranks").Select(m => ReadRerank(r, m, names, runs)).ToList();
        RecipeFusion? final = root.Children.TryGetValue(new YamlScalarNode("final"), out YamlNode? f)
            ? ReadFusion(r, r.Mapping(f, "the final fusion (a mapping with method: and runs:)"), names, runs, "final") : null;
        string name = r.String(root, "name") ?? System.IO.Path.GetFileNameWithoutExtension(path);
        return new Recipe
        {
            Name = name,
            Path = path,
            Text = text,
            Sha256 = sha256 ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            Rewrites = rewrites,
            Retrievers = retrievers,
            Fusions = fusions,
            Reranks = reranks,
            Final = final,
        };
    }

    private static RecipeRewrite ReadRewrite(Reader r, YamlMappingNode m, Dictionary<string, string> names)
    {
        r.CheckKeys(m, s_rewriteKeys);
        string name = r.Name(m, names, "rewrite");
        YamlNode methodNode = r.Required(m, "method", "a rewrite method (bright-reason, hyde, query2doc or multi:N)");
        RewriteMethod method = r.Convert(methodNode, "bright-reason, hyde, query2doc or multi:N (N from 1 to 64)", RewriteMethod.Parse);
        var rewrite = new RecipeRewrite(r.At(m))
        {
            Name = name,
            Method = method,
            Model = r.String(m, "model"),
            Endpoint = r.Url(m, "endpoint"),
            Thinking = r.Thinking(m),
        };
        foreach (string output in rewrite.Outputs.Skip(method.Count == 1 ? 1 : 0))
        {
            names[output] = "topics";
        }

        names[name] = method.Count == 1 ? "topics" : "rewrite";
        return rewrite;
    }

    private static RecipeRetriever ReadRetriever(Reader r, YamlMappingNode m, Dictionary<string, string> names, HashSet<string> runs)
    {
        r.CheckKeys(m, s_retrieverKeys);
        string name = r.Name(m, names, "retriever");
        string kind = r.OneOf(m, "kind", ["bm25", "dense"], required: true)!;
        string queries = r.String(m, "queries") ?? "original";
        if (names.GetValueOrDefault(queries) != "topics")
        {
            r.Fail(m.Children[new YamlScalarNode("queries")], $"original or the name of a rewrite defined above ({string.Join(", ", names.Where(p => p.Value == "topics").Select(p => p.Key))})", Quote(queries));
        }

        string? model = r.String(m, "model");
        if (kind == "dense" && model is null)
        {
            r.Fail(m, "model: (the embedding model) for a dense retriever", "none");
        }

        if (kind == "bm25")
        {
            foreach (string key in new[] { "model", "endpoint", "profile" }.Where(k => m.Children.ContainsKey(new YamlScalarNode(k))))
            {
                YamlNode keyNode = m.Children.Keys.First(k => ((YamlScalarNode)k).Value == key);
                r.Fail(keyNode, "no model, endpoint or profile for a bm25 retriever", Quote(key));
            }
        }

        names[name] = "run";
        runs.Add(name);
        return new RecipeRetriever(r.At(m))
        {
            Name = name,
            Kind = kind,
            Queries = queries,
            K = r.Int(m, "k", 1, 10_000_000) ?? 1000,
            Model = model,
            Endpoint = r.Url(m, "endpoint"),
            Profile = r.OneOf(m, "profile", ["plain", "rader", "e5", "bge"], required: false) ?? "plain",
        };
    }

    private static RecipeFusion ReadFusion(Reader r, YamlMappingNode m, Dictionary<string, string> names, HashSet<string> runs, string? fixedName)
    {
        r.CheckKeys(m, fixedName is null ? s_fusionKeys : s_fusionKeys[1..]);
        string name = fixedName ?? r.Name(m, names, "fusion");
        string[] methods = [.. Enum.GetNames<FusionMethod>().Select(n => n.ToLowerInvariant())];
        FusionMethod method = Enum.Parse<FusionMethod>(r.OneOf(m, "method", methods, required: false) ?? "rrf", ignoreCase: true);
        string? normName = r.OneOf(m, "norm", [.. Enum.GetNames<ScoreNormalization>().Select(n => n.ToLowerInvariant())], required: false);
        ScoreNormalization? norm = normName is null ? null : Enum.Parse<ScoreNormalization>(normName, ignoreCase: true);
        if (norm is not null && (FusionOptions.IsRankBased(method) || method is FusionMethod.MinMax or FusionMethod.ZScore))
        {
            r.Fail(m.Children[new YamlScalarNode("norm")], $"no norm for method {method.ToString().ToLowerInvariant()} (norms apply to the Comb methods and weightedsum)", Quote(normName!));
        }

        YamlNode runsNode = r.Required(m, "runs", "the runs fused: a list of names, or a mapping of name: weight");
        var fused = new List<(string, double)>();
        IEnumerable<(YamlNode Node, string Run, double Weight)> entries = runsNode switch
        {
            YamlSequenceNode seq => seq.Children.Select(c => (c, r.Scalar(c, "a run name"), 1.0)),
            YamlMappingNode map => map.Children.Select(p => (p.Key, r.Scalar(p.Key, "a run name"), r.Double(p.Value, "a weight (a number)"))),
            _ => r.Fail<IEnumerable<(YamlNode, string, double)>>(runsNode, "a list of run names, or a mapping of run name: weight", r.Found(runsNode)),
        };
        foreach ((YamlNode node, string run, double weight) in entries)
        {
            if (!runs.Contains(run))
            {
                r.Fail(node, $"a run defined above ({string.Join(", ", runs)})", Quote(run));
            }

            if (weight != 1 && !FusionOptions.IsWeighted(method))
            {
                r.Fail(node, $"no weights for method {method.ToString().ToLowerInvariant()} (it does not read them)", Quote(run));
            }

            fused.Add((run, weight));
        }

        if (fused.Count == 0)
        {
            r.Fail(runsNode, "at least one run", "none");
        }

        names[name] = "run";
        runs.Add(name);
        return new RecipeFusion(r.At(m))
        {
            Name = name,
            Method = method,
            Normalization = norm,
            Runs = fused,
            Depth = r.Int(m, "depth", 1, 10_000_000) ?? 1000,
            Top = r.Int(m, "top", 1, 10_000_000),
            RrfK = r.Int(m, "rrf_k", 0, 1_000_000) ?? 60,
        };
    }

    private static RecipeRerank ReadRerank(Reader r, YamlMappingNode m, Dictionary<string, string> names, HashSet<string> runs)
    {
        r.CheckKeys(m, s_rerankKeys);
        string name = r.Name(m, names, "rerank");
        string method = r.OneOf(m, "method", ["retro-star", "listwise", "setwise"], required: true)!;
        string[] own = method switch
        {
            "retro-star" => ["cascade"],
            "listwise" => ["top", "window", "stride", "passes", "prompt", "thinking"],
            _ => ["top", "k", "children", "thinking"],
        };
        string[] others = ["cascade", "top", "window", "stride", "passes", "prompt", "k", "children", "thinking"];
        foreach (YamlNode key in m.Children.Keys.Where(k => others.Contains(((YamlScalarNode)k).Value) && !own.Contains(((YamlScalarNode)k).Value)))
        {
            r.Fail(key, $"the settings of {method} ({string.Join(", ", own)})", Quote(((YamlScalarNode)key).Value!));
        }

        YamlNode runNode = r.Required(m, "run", "the run reranked (a name defined above)");
        string run = r.Scalar(runNode, "a run name");
        if (!runs.Contains(run))
        {
            r.Fail(runNode, $"a run defined above ({string.Join(", ", runs)})", Quote(run));
        }

        var rerank = new RecipeRerank(r.At(m))
        {
            Name = name,
            Method = method,
            Run = run,
            Model = r.String(m, "model"),
            Endpoint = r.Url(m, "endpoint"),
            Cascade = m.Children.TryGetValue(new YamlScalarNode("cascade"), out YamlNode? c) ? r.Convert(c, "TOP@K stages such as 100@1,30@16", ParseCascade) : [(100, 1)],
            Top = r.Int(m, "top", 1, 1_000_000) ?? 100,
            Window = r.Int(m, "window", 2, 1000) ?? 20,
            Stride = r.Int(m, "stride", 1, 1000) ?? 10,
            Passes = r.Int(m, "passes", 1, 100) ?? 1,
            Prompt = r.OneOf(m, "prompt", ["rankgpt", "reasonrank"], required: false) == "reasonrank" ? ListwisePromptStyle.ReasonRank : ListwisePromptStyle.RankGpt,
            SetwiseK = r.Int(m, "k", 1, 1_000_000) ?? 10,
            Children = r.Int(m, "children", 1, 25) ?? 3,
            Thinking = r.Thinking(m),
        };
        if (method == "listwise" && rerank.Stride > rerank.Window)
        {
            r.Fail(m.Children[new YamlScalarNode("stride")], $"a stride of at most the window ({rerank.Window})", Quote(rerank.Stride.ToString(CultureInfo.InvariantCulture)));
        }

        names[name] = "run";
        runs.Add(name);
        return rerank;
    }

    private static List<(int Top, int Samples)> ParseCascade(string spec) =>
        [.. spec.Split(',').Select(part =>
        {
            string[] f = part.Trim().Split('@');
            return f.Length == 2 && int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int t)
                && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int k) && t > 0 && k > 0 && k <= 1024
                ? (t, k) : throw new ArgumentException(part);
        })];

    private static string Quote(string text) => ThrowHelper.Quote(text);

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    /// <summary>Typed access to YAML nodes that fails with the node's position.</summary>
    private sealed class Reader(string path)
    {
        public SourcePosition At(YamlNode node) => new(path, Math.Max(1, node.Start.Line), Math.Max(1, node.Start.Column));

        [DoesNotReturn]
        public void Fail(YamlNode node, string expected, string found) => throw new InputException(At(node), $"expected {expected}, found {found}");

        [DoesNotReturn]
        public T Fail<T>(YamlNode node, string expected, string found) => throw new InputException(At(node), $"expected {expected}, found {found}");

        public string Found(YamlNode node) => node switch
        {
            YamlScalarNode s => Quote(s.Value ?? ""),
            YamlSequenceNode => "a list",
            YamlMappingNode => "a mapping",
            _ => "an alias",
        };

        public YamlMappingNode Mapping(YamlNode node, string expected) => node as YamlMappingNode ?? Fail<YamlMappingNode>(node, expected, Found(node));

        public void CheckKeys(YamlMappingNode map, string[] allowed)
        {
            foreach (YamlNode key in map.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: { } k } || !allowed.Contains(k))
                {
                    Fail(key, $"one of the keys {string.Join(", ", allowed)}", Found(key));
                }
            }
        }

        public IEnumerable<YamlMappingNode> Items(YamlMappingNode root, string section)
        {
            if (!root.Children.TryGetValue(new YamlScalarNode(section), out YamlNode? node) || node is YamlScalarNode { Value: null or "" })
            {
                return [];
            }

            return node is YamlSequenceNode seq
                ? seq.Children.Select(c => Mapping(c, $"a {section[..^1]} (a mapping with name: and more)"))
                : Fail<IEnumerable<YamlMappingNode>>(node, $"a list of {section}", Found(node));
        }

        public YamlNode Required(YamlMappingNode map, string key, string expected) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) ? node : Fail<YamlNode>(map, $"{key}: ({expected})", "none");

        public string Scalar(YamlNode node, string expected) => node is YamlScalarNode { Value: { Length: > 0 } v } ? v : Fail<string>(node, expected, Found(node));

        public string? String(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) ? Scalar(node, $"a value for {key}") : null;

        public string Name(YamlMappingNode map, Dictionary<string, string> names, string what)
        {
            YamlNode node = Required(map, "name", $"a name for this {what}");
            string name = Scalar(node, "a name");
            if (!NamePattern().IsMatch(name) || name is "final")
            {
                Fail(node, "a name of letters, digits, '-' and '_' other than final", Quote(name));
            }

            return names.ContainsKey(name) ? Fail<string>(node, "a name not used before", Quote(name)) : name;
        }

        public string? OneOf(YamlMappingNode map, string key, string[] allowed, bool required)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node))
            {
                return required ? Fail<string>(map, $"{key}: ({string.Join(", ", allowed)})", "none") : null;
            }

            string value = Scalar(node, string.Join(", ", allowed));
            return allowed.Contains(value) ? value : Fail<string>(node, $"{key} {string.Join(", ", allowed)}", Quote(value));
        }

        public int? Int(YamlMappingNode map, string key, int min, int max)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node))
            {
                return null;
            }

            string value = Scalar(node, $"{key}: an integer from {min} to {max}");
            return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
                ? v : Fail<int>(node, $"{key}: an integer from {min} to {max}", Quote(value));
        }

        public double Double(YamlNode node, string expected)
        {
            string value = Scalar(node, expected);
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v >= 0
                ? v : Fail<double>(node, expected + " >= 0", Quote(value));
        }

        public string? Url(YamlMappingNode map, string key)
        {
            string? value = String(map, key);
            return value is null || (Uri.TryCreate(value, UriKind.Absolute, out Uri? u) && u.Scheme is "http" or "https")
                ? value : Fail<string>(map.Children[new YamlScalarNode(key)], "an http:// or https:// URL", Quote(value));
        }

        public ThinkingMode Thinking(YamlMappingNode map) =>
            map.Children.TryGetValue(new YamlScalarNode("thinking"), out YamlNode? node) ? Convert(node, "on, off or budget:N", ThinkingMode.Parse) : ThinkingMode.Default;

        public T Convert<T>(YamlNode node, string expected, Func<string, T> parse)
        {
            string value = Scalar(node, expected);
            try
            {
                return parse(value);
            }
            catch (ArgumentException)
            {
                return Fail<T>(node, expected, Quote(value));
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();
}
