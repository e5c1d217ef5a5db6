using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Tests;

/// <summary>The README's "Use it from C#" example: the same text as here, and it gives the quickstart's figure.</summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("lodestar-readme-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    // A local function in the README (top-level statements), so without an access modifier here too.
#pragma warning disable IDE0040
    // README:begin
    static double CranfieldNdcg10(string data, string work)
    {
        // Index the corpus, search it with BRIGHT's BM25, and score the run as trec_eval does.
        string index = Path.Combine(work, "index");
        IndexWriter.Build(Path.Combine(data, "corpus.jsonl.gz"), index, new IndexBuildOptions { Overwrite = true });
        using IndexReader reader = IndexReader.Open(index);
        var searcher = new Searcher(reader, new Bm25Parameters(Bm25Mode.Bright, 0.9, 0.4));
        List<Topic> topics = TopicReader.Read(Path.Combine(data, "queries.jsonl"));
        Run run = searcher.Search(topics, k: 1000);
        Qrels qrels = QrelsFormat.Read(Path.Combine(data, "qrels", "test.tsv"));
        EvalReport report = Evaluator.Evaluate(qrels, run, Measures.Parse(["ndcg_cut.10"]));
        return report["ndcg_cut_10"];
    }
    // README:end
#pragma warning restore IDE0040

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lodestar.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Lodestar.slnx not found above the test assembly");
    }

    [Fact]
    public void The_readme_shows_this_example_and_it_gives_the_quickstart_figure()
    {
        string root = RepositoryRoot();
        string source = File.ReadAllText(Path.Combine(root, "tests", "Lodestar.Tests", "ReadmeExampleTests.cs"));
        int begin = source.IndexOf("// README:begin\n", StringComparison.Ordinal) + "// README:begin\n".Length;
        string example = string.Join('\n', source[begin..source.IndexOf("    // README:end", StringComparison.Ordinal)]
            .Split('\n').Select(l => l.Length >= 4 ? l[4..] : l));
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.Contains(example, readme);

        Assert.Equal(0.3205, Math.Round(CranfieldNdcg10(Path.Combine(root, "data", "cranfield"), _work), 4));
    }
}
