using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Tests.Search;

/// <summary>BM25 pinned on a hand-computed three-document corpus, and Lucene's norm encoding.</summary>
public class Bm25ScorerTests
{
    private static IndexReader TinyIndex(TempDir dir)
    {
        string corpus = dir.Write("c.jsonl",
            "{\"id\": \"a\", \"tokens\": [\"moth\", \"light\", \"moth\"]}\n" +
            "{\"id\": \"b\", \"tokens\": [\"light\"]}\n" +
            "{\"id\": \"c\", \"tokens\": [\"lamp\", \"night\", \"wing\", \"moth\"]}\n");
        IndexWriter.Build(corpus, dir.File("i"), new IndexBuildOptions { Analyzer = "pretokenized" });
        return IndexReader.Open(dir.File("i"));
    }

    [Fact]
    public void Bright_ThreeDocuments_EqualsHandComputation()
    {
        using var dir = new TempDir();
        using IndexReader index = TinyIndex(dir);
        var searcher = new Searcher(index, new Bm25Parameters(Bm25Mode.Bright, 0.9, 0.4));
        // N = 3, avgdl = 8/3. idf(moth) = ln 4 − ln 2.5, idf(light) = ln 4 − ln 2.5.
        double idf = Math.Log(4) - Math.Log(2.5);
        double Norm(int len) => 0.9 * (1 - 0.4 + (0.4 * len / (8.0 / 3)));
        double wq = idf * 1 / (1 + Norm(2)); // query "moth light": each term once, |q| = 2
        double expectedA = (wq * idf * 2 / (2 + Norm(3))) + (wq * idf * 1 / (1 + Norm(3)));
        double expectedC = wq * idf * 1 / (1 + Norm(4));
        List<Hit> hits = searcher.Search(new Topic("q", "moth light", [], [], [], ["moth", "light"]), 10);
        Assert.Equal(["a", "b", "c"], hits.Select(h => h.DocId));
        Assert.Equal(expectedA, hits[0].Score, 1e-12);
        Assert.Equal(expectedC, hits[2].Score, 1e-12);
    }

    [Fact]
    public void Explain_SumsToTheScore_InBothModes()
    {
        using var dir = new TempDir();
        using IndexReader index = TinyIndex(dir);
        foreach (Bm25Mode mode in new[] { Bm25Mode.Bright, Bm25Mode.Lucene })
        {
            var searcher = new Searcher(index, new Bm25Parameters(mode));
            var topic = new Topic("q", "moth light wing", [], [], [], ["moth", "light", "wing", "unknown"]);
            foreach (Hit hit in searcher.Search(topic, 3))
            {
                Explanation e = searcher.Explain(topic, hit.DocId);
                Assert.Equal(hit.Score, e.Score);
                Assert.Equal(e.Score, searcher.Scorer.Finish(e.Terms.Sum(t => t.Contribution)), 1e-12);
                Assert.Equal(["unknown"], e.DroppedTerms);
            }
        }
    }

    [Fact]
    public void Lucene_MatchesLuceneFloatFormula()
    {
        using var dir = new TempDir();
        using IndexReader index = TinyIndex(dir);
        var searcher = new Searcher(index, new Bm25Parameters(Bm25Mode.Lucene, 0.9, 0.4));
        float avgdl = (float)(8 / 3.0);
        float idf = (float)Math.Log(1 + ((3 - 2 + 0.5) / (2 + 0.5)));
        float normInverse = 1f / (0.9f * ((1 - 0.4f) + (0.4f * 3 / avgdl)));
        float expected = idf - (idf / (1f + (2 * normInverse)));
        Hit top = searcher.Search(new Topic("q", "moth", [], [], [], ["moth"]), 1)[0];
        Assert.Equal("a", top.DocId);
        Assert.Equal(expected, (float)top.Score);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(23, 23)]
    [InlineData(24, 24)]
    [InlineData(100, 96)]
    [InlineData(1000, 984)]
    public void SmallFloat_RoundTrip_IsLucenesLossyNorm(int length, int decoded) =>
        Assert.Equal(decoded, SmallFloat.Byte4ToInt(SmallFloat.IntToByte4(length)));

    [Fact]
    public void Search_ExcludedIds_AreRemovedBeforeTheCut()
    {
        using var dir = new TempDir();
        using IndexReader index = TinyIndex(dir);
        var searcher = new Searcher(index, new Bm25Parameters());
        List<Hit> hits = searcher.Search(new Topic("q", "moth light", ["a"], [], [], ["moth", "light"]), 2);
        Assert.Equal(["b", "c"], hits.Select(h => h.DocId));
    }

    [Fact]
    public void Search_ExcludedIds_SameBeforeAndAfterTheIdTableIsBuilt()
    {
        using var dir = new TempDir();
        using IndexReader index = TinyIndex(dir);
        var searcher = new Searcher(index, new Bm25Parameters());
        var topic = new Topic("q", "moth light", ["a", "not-in-the-index"], [], [], ["moth", "light"]);
        List<Hit> before = searcher.Search(topic, 3);
        Assert.False(index.HasDocTable); // excluded by reading the ids of the kept documents, no O(N) table
        Assert.True(index.TryGetDoc("a", out _));
        Assert.True(index.HasDocTable);
        Assert.Equal(before, searcher.Search(topic, 3));
        Assert.Equal(["b", "c"], before.Select(h => h.DocId));
    }

    /// <summary>Norms come from a table of the first 16,384 lengths; longer documents use the same formula directly, on
    /// both sides of the edge, in both modes, scored from compressed postings (first query) and decoded ones (second).</summary>
    [Fact]
    public void Search_DocumentsPastTheNormTable_ScoreByTheFormula()
    {
        using var dir = new TempDir();
        int[] lengths = [16_383, 16_384, 20_000, 3];
        string corpus = dir.Write("c.jsonl", string.Concat(lengths.Select((n, i) =>
            $"{{\"id\": \"d{i}\", \"tokens\": [\"moth\"{string.Concat(Enumerable.Repeat(", \"x\"", n - 1))}]}}\n")));
        IndexWriter.Build(corpus, dir.File("i"), new IndexBuildOptions { Analyzer = "pretokenized" });
        using IndexReader index = IndexReader.Open(dir.File("i"));
        double avgdl = lengths.Sum() / 4.0;
        double idf = Math.Log(5) - Math.Log(4.5);
        double Norm(int len) => 0.9 * (1 - 0.4 + (0.4 * len / avgdl));
        double wq = idf / (1 + Norm(1));
        float luceneIdf = (float)Math.Log(1 + ((4 - 4 + 0.5) / (4 + 0.5)));
        float LuceneScore(int len)
        {
            float normInverse = 1f / (0.9f * ((1 - 0.4f) + (0.4f * SmallFloat.Byte4ToInt(SmallFloat.IntToByte4(len)) / (float)avgdl)));
            return luceneIdf - (luceneIdf / (1f + normInverse));
        }

        var topic = new Topic("q", "moth", [], [], [], ["moth"]);
        var bright = new Searcher(index, new Bm25Parameters(Bm25Mode.Bright, 0.9, 0.4));
        var lucene = new Searcher(index, new Bm25Parameters(Bm25Mode.Lucene, 0.9, 0.4));
        for (int pass = 0; pass < 2; pass++)
        {
            Dictionary<string, double> b = bright.Search(topic, 4).ToDictionary(h => h.DocId, h => h.Score);
            Dictionary<string, double> l = lucene.Search(topic, 4).ToDictionary(h => h.DocId, h => h.Score);
            for (int i = 0; i < lengths.Length; i++)
            {
                Assert.Equal(wq * (idf / (1 + Norm(lengths[i]))), b[$"d{i}"], 1e-15);
                Assert.Equal(LuceneScore(lengths[i]), (float)l[$"d{i}"]);
            }
        }
    }

    [Fact]
    public void Parameters_OutOfRange_NameTheLimit()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Bm25Parameters(Bm25Mode.Bright, 0.9, 2));
        Assert.StartsWith("illegal b value: 2, must be between 0 and 1", e.Message);
    }
}
