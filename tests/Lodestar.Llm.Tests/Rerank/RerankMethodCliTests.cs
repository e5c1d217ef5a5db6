using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Llm.Tests.Rerank;

/// <summary><c>lodestar rerank --method listwise|setwise</c> and <c>lodestar fuse --optimize</c> end to end on Cranfield.</summary>
public sealed class RerankMethodCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lodestar-methods-" + Guid.NewGuid().ToString("N")[..8]);

    public RerankMethodCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (string Index, string Topics, string Run) Cranfield(int topicCount, int depth)
    {
        string index = Path.Combine(_dir, "index");
        IndexWriter.Build(Path.Combine(Repo.Root, "data/cranfield/corpus.jsonl.gz"), index, new IndexBuildOptions());
        List<Topic> topics = [.. TopicReader.Read(Path.Combine(Repo.Root, "data/cranfield/queries.jsonl")).Take(topicCount)];
        string topicsFile = Path.Combine(_dir, "topics.tsv");
        File.WriteAllLines(topicsFile, topics.Select(t => $"{t.Id}\t{t.Text}"));
        string run = Path.Combine(_dir, "bm25.txt");
        using (IndexReader reader = IndexReader.Open(index))
        {
            TrecRunFormat.Write(run, new Searcher(reader, new Bm25Parameters()).Search(topics, depth));
        }

        return (index, topicsFile, run);
    }

    [Fact]
    public async Task Listwise_ReversesEachWindow_WithThinkingBudget_AndARerunAsksNothing()
    {
        // Every window answered "[n] > … > [1]": the model reverses what it is shown.
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) =>
        {
            int count = ScriptedRanker.Relevances(body).Count;
            int windowSize = FakeOpenAiServer.Json(body).GetProperty("messages").GetArrayLength() is int m && m > 3 ? (m - 4) / 2 : count;
            return FakeOpenAiServer.Answer(ctx, "<think>hm</think>" + string.Join(" > ", Enumerable.Range(1, windowSize).Reverse().Select(i => $"[{i}]")));
        });
        (string index, string topics, string run) = Cranfield(5, 30);
        string output = Path.Combine(_dir, "listwise.txt");
        string[] args = ["rerank", "--index", index, "--topics", topics, "--run", run, "--endpoint", server.Url.ToString(), "--model", "m", "--in-flight", "4",
            "--method", "listwise", "--top", "30", "--thinking", "budget:100", "-o", output];
        (int code, _, string err) = Repo.Cli(args);
        Assert.True(code == 0, err);
        Assert.Equal(10, server.Requests);   // 5 topics × windows [10, 30) and [0, 20)
        Assert.Contains("repairs: thinking 10;", err);
        var body = FakeOpenAiServer.Json(server.Bodies[0]);
        Assert.Equal(4196, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(100, body.GetProperty("chat_template_kwargs").GetProperty("thinking_budget").GetInt32());
        Assert.Equal(0, body.GetProperty("temperature").GetDouble());
        Run bm25 = TrecRunFormat.Read(run), reranked = TrecRunFormat.Read(output);
        string topic = bm25.TopicIds[0];
        // Window [10, 30) reversed leaves b0..b9, b29..b20 in [0, 20); reversing that gives b20..b29, b9..b0.
        Assert.Equal(bm25[topic][20].DocId, reranked[topic][0].DocId);
        Assert.Equal(bm25[topic][9].DocId, reranked[topic][10].DocId);

        byte[] first = File.ReadAllBytes(output);
        (code, _, err) = Repo.Cli(args);
        Assert.True(code == 0, err);
        Assert.Equal(10, server.Requests);
        Assert.Contains("0 answers asked, 10 from the store", err);
        Assert.Equal(first, File.ReadAllBytes(output));
    }

    [Fact]
    public async Task Setwise_AlwaysPickingTheNode_KeepsTheFirstStageHead()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, n, body) => FakeOpenAiServer.Answer(ctx, "Passage A"));
        (string index, string topics, string run) = Cranfield(2, 30);
        string output = Path.Combine(_dir, "setwise.txt");
        (int code, _, string err) = Repo.Cli("rerank", "--index", index, "--topics", topics, "--run", run, "--endpoint", server.Url.ToString(), "--model", "m",
            "--in-flight", "2", "--method", "setwise", "--top", "30", "--setwise-k", "3", "-o", output);
        Assert.True(code == 0, err);
        // "A" (the node) always wins: building the heap asks each of the 10 inner nodes once; each of the 2
        // sift-downs after an extraction asks once at the root. 2 topics × 12.
        Assert.Equal(24, server.Requests);
        Run bm25 = TrecRunFormat.Read(run), reranked = TrecRunFormat.Read(output);
        string topic = bm25.TopicIds[0];
        Assert.Equal(bm25[topic][0].DocId, reranked[topic][0].DocId);
    }

    [Fact]
    public void FuseOptimize_ReportsEachFold_AndRefusesAMethodWithoutWeights()
    {
        string a = Path.Combine(_dir, "a.txt"), b = Path.Combine(_dir, "b.txt"), qrels = Path.Combine(_dir, "qrels.txt");
        File.WriteAllLines(a, Enumerable.Range(0, 6).SelectMany(t => new[] { $"t{t} Q0 x 1 2 a", $"t{t} Q0 y 2 1 a" }));
        File.WriteAllLines(b, Enumerable.Range(0, 6).SelectMany(t => new[] { $"t{t} Q0 y 1 2 b", $"t{t} Q0 x 2 1 b" }));
        File.WriteAllLines(qrels, Enumerable.Range(0, 6).Select(t => $"t{t} 0 x 1"));
        string output = Path.Combine(_dir, "fused.txt");
        (int code, string stdout, string err) = Repo.Cli("fuse", a, b, "--method", "weightedsum", "--optimize", "recip_rank", "--qrels", qrels, "--folds", "3", "-o", output);
        Assert.True(code == 0, err);
        string[] lines = stdout.Trim().Split('\n');
        Assert.Equal("fold\ttrain\ttest\tweights\trrf_k\trecip_rank_train\trecip_rank_test", lines[0]);
        Assert.Equal("1\t4\t2\t0.6,0.4\t60\t1.0000\t1.0000", lines[1]);
        Assert.Equal("all\t\t6\t\t\t\t1.0000", lines[4]);
        Assert.Equal("x", TrecRunFormat.Read(output)["t0"][0].DocId);

        (code, _, err) = Repo.Cli("fuse", a, b, "--method", "combsum", "--optimize", "recip_rank", "--qrels", qrels, "-o", output);
        Assert.Equal(2, code);
        Assert.Contains("has no weights or k to tune", err);
    }
}
