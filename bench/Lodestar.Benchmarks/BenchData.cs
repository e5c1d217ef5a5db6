using System.IO.Compression;
using System.Text.Json;

namespace Lodestar.Benchmarks;

/// <summary>Real text for the benchmarks: the Cranfield corpus and queries shipped in data/cranfield.</summary>
internal static class BenchData
{
    public static string Root { get; } = FindRoot();

    public static string CorpusPath => Path.Combine(Root, "data", "cranfield", "corpus.jsonl.gz");

    public static string QueriesPath => Path.Combine(Root, "data", "cranfield", "queries.jsonl");

    public static string QrelsPath => Path.Combine(Root, "data", "cranfield", "qrels", "test.tsv");

    /// <summary>Title + text of each Cranfield document.</summary>
    public static List<string> Texts()
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(CorpusPath), CompressionMode.Decompress));
        var texts = new List<string>();
        while (reader.ReadLine() is string line)
        {
            JsonElement doc = JsonDocument.Parse(line).RootElement;
            texts.Add(doc.GetProperty("title").GetString() + " " + doc.GetProperty("text").GetString());
        }

        return texts;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lodestar.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("run the benchmarks from inside the repository");
    }
}
