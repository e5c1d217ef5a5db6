using System.Text.Json;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Server.Tests;

/// <summary>POST /v1/search and GET /v1/documents against the library's own answers on Cranfield.</summary>
public sealed class SearchApiTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Bm25Search_EqualsTheSearcherHitForHit()
    {
        const string query = "what similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft";
        var (status, json, text) = await Helpers.PostAsync(f.Http, "/v1/search", JsonSerializer.Serialize(new { index = "cranfield", query, k = 20 }));

        Assert.True(status == 200, text);
        using IndexReader reader = IndexReader.Open(f.IndexPath);
        List<Hit> expected = new Searcher(reader, new Bm25Parameters()).Search(query, 20);
        JsonElement[] hits = [.. json.GetProperty("hits").EnumerateArray()];
        Assert.Equal(expected.Select(h => h.DocId), hits.Select(h => h.GetProperty("id").GetString()));
        Assert.Equal(expected.Select(h => h.Score), hits.Select(h => h.GetProperty("score").GetDouble()));
        Assert.Equal(Enumerable.Range(1, 20), hits.Select(h => h.GetProperty("rank").GetInt32()));
        Assert.Equal(["rank", "id", "score", "first_stage_score", "first_stage_rank"], Helpers.Keys(hits[0]));
        Assert.Equal("bm25", json.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task TopicWithQrels_ReportsTrecEvalNdcgAndGrades()
    {
        var (status, json, text) = await Helpers.PostAsync(f.Http, "/v1/search", """{"topic": "1", "k": 10}""");

        Assert.True(status == 200, text);
        string root = Helpers.RepoRoot();
        Topic topic = TopicReader.Read(Path.Combine(root, "data/cranfield/queries.jsonl")).First(t => t.Id == "1");
        using IndexReader reader = IndexReader.Open(f.IndexPath);
        var run = new Run("x");
        run.Set("1", new Searcher(reader, new Bm25Parameters()).Search(topic, 10));
        Qrels qrels = QrelsFormat.Read(Path.Combine(root, "data/cranfield/qrels/test.tsv"));
        double ndcg = Evaluator.Evaluate(qrels, run, Measures.Parse(["ndcg_cut.10"])).All[0];
        Assert.Equal(ndcg, json.GetProperty("ndcg_cut_10").GetProperty("first_stage").GetDouble());
        Assert.Equal(ndcg, json.GetProperty("ndcg_cut_10").GetProperty("final").GetDouble());
        Assert.Equal("1", json.GetProperty("topic").GetString());
        Assert.Equal(run["1"].Select(h => qrels["1"].GetValueOrDefault(h.DocId)), json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("relevance").GetInt32()));
    }

    [Fact]
    public async Task ExplainWithRerank_GivesTermBreakdownAndEverySample()
    {
        const string query = "boundary layer transition supersonic";
        string body = JsonSerializer.Serialize(new { query, k = 5, explain = true, rerank = new { samples = 3, top = 5 } });
        var (status, json, text) = await Helpers.PostAsync(f.Http, "/v1/search", body);

        Assert.True(status == 200, text);
        JsonElement[] hits = [.. json.GetProperty("hits").EnumerateArray()];
        Assert.Equal(5, hits.Length);
        foreach (JsonElement hit in hits)
        {
            JsonElement explanation = hit.GetProperty("explanation");
            double sum = explanation.GetProperty("terms").EnumerateArray().Sum(t => t.GetProperty("contribution").GetDouble());
            Assert.Equal(hit.GetProperty("first_stage_score").GetDouble(), sum, 9);
            JsonElement[] samples = [.. hit.GetProperty("samples").EnumerateArray()];
            Assert.Equal([0, 1, 2], samples.Select(s => s.GetProperty("index").GetInt32()));
            Assert.All(samples, s => Assert.Contains($"<score>{s.GetProperty("score").GetInt32()}</score>", s.GetProperty("text").GetString()));
            // Mean of s, s - 3, s - 6 (none below 0 here unless s < 6) scaled to 0-1.
            double mean = samples.Average(s => s.GetProperty("score").GetInt32()) / 100;
            Assert.Equal(mean, hit.GetProperty("rerank_score").GetDouble(), 12);
        }

        Assert.Equal(hits.Select(h => h.GetProperty("rerank_score").GetDouble()).OrderDescending(), hits.Select(h => h.GetProperty("rerank_score").GetDouble()));
        Assert.Equal(15, json.GetProperty("rerank").GetProperty("requested").GetInt64() + json.GetProperty("rerank").GetProperty("reused").GetInt64());
    }

    [Fact]
    public async Task Document_ByIdAndUnknownIds_Are200And404()
    {
        using IndexReader reader = IndexReader.Open(f.IndexPath);
        var (status, json, _) = await Helpers.GetAsync(f.Http, "/v1/documents/cranfield/" + reader.DocId(0));
        Assert.Equal(200, status);
        Assert.Equal(["index", "id", "text", "length"], Helpers.Keys(json));
        Assert.Equal(reader.GetText(0), json.GetProperty("text").GetString());
        Assert.Equal(reader.DocLengths[0], json.GetProperty("length").GetInt32());

        (status, json, _) = await Helpers.GetAsync(f.Http, "/v1/documents/cranfield/no-such-doc");
        Assert.Equal(404, status);
        Assert.Equal("index 'cranfield' has no document 'no-such-doc'", json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task DenseMode_WithoutVectors_Is422SayingWhatIsMissing()
    {
        var (status, json, _) = await Helpers.PostAsync(f.Http, "/v1/search", """{"query": "wing", "mode": "dense"}""");
        Assert.Equal(422, status);
        Assert.Contains("index 'cranfield' has no vector index", json.GetProperty("detail").GetString());
    }
}
