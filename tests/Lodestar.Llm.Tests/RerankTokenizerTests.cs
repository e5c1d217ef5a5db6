using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Rerank.RetroStar;
using Lodestar.Search;
using Lodestar.Tokenizers;

namespace Lodestar.Llm.Tests;

/// <summary><c>lodestar rerank --max-prompt-tokens</c> on a server without <c>/tokenize</c> (issue 17, item 5): with
/// <c>--tokenizer</c> the prompts are cut by a real tokenizer, the server is probed once, and every prompt it
/// receives fits the budget in that tokenizer's tokens.</summary>
public sealed class RerankTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-rerank-tokens-").FullName;
    private readonly string _index;
    private readonly string _topics;
    private readonly string _run;

    public RerankTokenizerTests()
    {
        _index = Path.Combine(_dir, "index");
        IndexWriter.Build(Path.Combine(Repo.Root, "data/cranfield/corpus.jsonl.gz"), _index, new IndexBuildOptions());
        List<Topic> topics = [.. TopicReader.Read(Path.Combine(Repo.Root, "data/cranfield/queries.jsonl")).Take(2)];
        _topics = Path.Combine(_dir, "topics.tsv");
        File.WriteAllLines(_topics, topics.Select(t => $"{t.Id}\t{t.Text}"));
        _run = Path.Combine(_dir, "bm25.txt");
        using IndexReader reader = IndexReader.Open(_index);
        TrecRunFormat.Write(_run, new Searcher(reader, new Bm25Parameters()).Search(topics, 3));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Rerank_ServerWithoutTokenize_CutsPromptsWithTheLocalTokenizer()
    {
        using LocalTokenCounter cl100k = LocalTokenCounter.Open("cl100k");
        int budget = cl100k.Count(RetroStarPrompt.Build(RelevanceDefinition.Default, "", "")) + 40; // the frame and a little text
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "<score>50</score>"));

        var (code, _, err) = Repo.Cli("rerank", "--index", _index, "--topics", _topics, "--run", _run, "--endpoint", server.Url.ToString(),
            "--model", "retro-star", "--top", "3", "--in-flight", "1", "--max-prompt-tokens", $"{budget}", "--tokenizer", "cl100k", "-o", Path.Combine(_dir, "out.txt"));

        Assert.True(code == 0, err);
        Assert.Contains("token counts: the server's /tokenize where it has one, else cl100k_base", err, StringComparison.Ordinal);
        Assert.Equal(1, server.Paths.GetValueOrDefault("/tokenize"));
        List<int> counts = [.. server.Bodies.Select(b => cl100k.Count(FakeOpenAiServer.Json(b).GetProperty("messages")[0].GetProperty("content").GetString()!))];
        Assert.Equal(6, counts.Count);
        Assert.All(counts, c => Assert.InRange(c, budget - 40, budget));
        Assert.Contains(counts, c => c > budget - 10);
    }
}
