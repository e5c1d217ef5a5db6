using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Lodestar.Cli.Regressions;

/// <summary>One <c>regressions/*.yaml</c>: dataset, checksum, analyzer, parameters, expected statistics and metrics.</summary>
internal sealed class RegressionSpec
{
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public string Corpus { get; set; } = "";

    public string CorpusSha256 { get; set; } = "";

    public string Topics { get; set; } = "";

    public string Qrels { get; set; } = "";

    public string Analyzer { get; set; } = "english";

    public IndexStats Index { get; set; } = new();

    public SearchSettings Search { get; set; } = new();

    /// <summary>trec_eval measure spec (such as <c>ndcg_cut.10</c>) → expected value to 4 decimals.</summary>
    public Dictionary<string, double> Expected { get; set; } = [];

    /// <summary>The YAML file.</summary>
    [YamlIgnore]
    public string Path { get; set; } = "";

    /// <summary>Resolves a path of the YAML relative to its folder.</summary>
    public string Resolve(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, relative));

    /// <summary>Reads a YAML file.</summary>
    public static RegressionSpec Load(string path)
    {
        IDeserializer yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        RegressionSpec spec = yaml.Deserialize<RegressionSpec>(File.ReadAllText(path));
        spec.Path = path;
        return spec;
    }

    public sealed class IndexStats
    {
        public long Documents { get; set; }

        public long Terms { get; set; }

        public long DistinctTerms { get; set; }
    }

    public sealed class SearchSettings
    {
        public string Bm25 { get; set; } = "bright";

        public double K1 { get; set; } = 0.9;

        public double B { get; set; } = 0.4;

        public int K { get; set; } = 1000;
    }
}
