using System.Text;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Tests.Search;

/// <summary>The topic-file search: one topic or one thread on the calling thread, more in parallel, the same run.</summary>
public class SearcherRunTests
{
    private static string BuildIndex(TempDir dir)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            sb.Append($"{{\"_id\": \"d{i}\", \"text\": \"moths circle lamps {i % 31} at night {i * 7919 % 211} wings\"}}\n");
        }

        string index = dir.File("index");
        IndexWriter.Build(dir.Write("corpus.jsonl", sb.ToString()), index, new IndexBuildOptions());
        return index;
    }

    private static string Lines(Run run) =>
        string.Join('\n', run.TopicIds.SelectMany(t => run[t].Select((h, r) => $"{t} {h.DocId} {r} {h.Score:R}")));

    [Fact]
    public void OneThreadOrOneTopic_GivesTheParallelRun_AndReportsEachTopicOnTheCallingThread()
    {
        using var dir = new TempDir();
        using IndexReader reader = IndexReader.Open(BuildIndex(dir));
        var topics = Enumerable.Range(0, 40).Select(i => new Topic($"q{i}", $"moth lamps {i % 31} night {i * 13 % 211} absentword")).ToList();
        string parallel = Lines(new Searcher(reader, new Bm25Parameters()).Search(topics, 100, threads: 2));
        Assert.Equal(40 * 100, parallel.Split('\n').Length);

        var reports = new List<(int Done, int Thread)>();
        var progress = new Inline(done => reports.Add((done, Environment.CurrentManagedThreadId)));
        Assert.Equal(parallel, Lines(new Searcher(reader, new Bm25Parameters()).Search(topics, 100, threads: 1, progress)));
        Assert.Equal(Enumerable.Range(1, 40), reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(Environment.CurrentManagedThreadId, r.Thread));

        Run one = new Searcher(reader, new Bm25Parameters()).Search(topics.Take(1).ToList(), 100, threads: 0);
        Assert.Equal(string.Join('\n', parallel.Split('\n').Take(100)), Lines(one));
    }

    [Fact]
    public void TopicWithNoIndexTerm_HasNoHits_AndTheNextTopicIsUnaffected()
    {
        using var dir = new TempDir();
        using IndexReader reader = IndexReader.Open(BuildIndex(dir));
        var searcher = new Searcher(reader, new Bm25Parameters());
        Assert.Empty(searcher.Search(new Topic("oov", "absentword zzzz"), 10));
        List<Hit> hits = searcher.Search(new Topic("q", "moth 7"), 5);
        Assert.Equal(5, hits.Count);
        Assert.Equal(new Searcher(reader, new Bm25Parameters()).Search(new Topic("q", "moth 7"), 5), hits);
    }

    [Fact]
    public void Accumulator_PopulatedPages_StartAtZero()
    {
        var acc = new Accumulator(1 << 20);
        Assert.True(acc.Scores.All(s => s == 0.0));
        Assert.Equal(1 << 20, acc.Touched.Length);
        Assert.Equal(0, acc.TouchedCount);
    }

    private sealed class Inline(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
