using System.Globalization;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Tests.Search;

/// <summary>BRIGHT-mode BM25 against gensim's LuceneBM25Model on the pre-analyzed Cranfield in ../shared.</summary>
public class Bm25ParityTests
{
    [SharedFact]
    public void BrightMode_Cranfield_EqualsGensimTop100()
    {
        using var dir = new TempDir();
        string reference = Fixtures.Shared("data/cranfield/bm25-reference");
        IndexWriter.Build(Path.Combine(reference, "corpus.tokens.jsonl"), dir.File("index"), new IndexBuildOptions { Analyzer = "pretokenized" });
        using IndexReader index = IndexReader.Open(dir.File("index"));
        var searcher = new Searcher(index, new Bm25Parameters(Bm25Mode.Bright, 0.9, 0.4));
        List<Topic> topics = TopicReader.Read(Path.Combine(reference, "queries.tokens.jsonl"));
        Run run = searcher.Search(topics, 100);

        var expected = File.ReadLines(Path.Combine(reference, "scores.top100.tsv")).Skip(1)
            .Select(l => l.Split('\t'))
            .GroupBy(f => f[0], f => (Doc: f[1], Score: double.Parse(f[2], CultureInfo.InvariantCulture)))
            .ToDictionary(g => g.Key, g => g.ToList());
        int pairs = 0;
        foreach ((string topic, List<(string Doc, double Score)> hits) in expected)
        {
            IReadOnlyList<Hit> actual = run[topic];
            Assert.Equal(hits.Count, actual.Count);
            for (int i = 0; i < hits.Count; i++)
            {
                double relative = Math.Abs(actual[i].Score - hits[i].Score) / Math.Abs(hits[i].Score);
                Assert.True(relative <= 1e-6, $"topic {topic} rank {i + 1}: expected {hits[i].Doc} {hits[i].Score}, got {actual[i].DocId} {actual[i].Score}");
                Assert.True(actual[i].DocId == hits[i].Doc, $"topic {topic} rank {i + 1}: expected {hits[i].Doc}, got {actual[i].DocId}");
                pairs++;
            }
        }

        Assert.Equal(22_500, pairs);
    }
}
