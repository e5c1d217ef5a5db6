using System.Text.Json;

namespace Lodestar.Server.Tests;

/// <summary>The rerank APIs called with the request bodies of Cohere's, vLLM's and TEI's documentation; the answers'
/// JSON checked field by field. Expected scores follow <see cref="FakeRetroStar"/>'s word overlap.</summary>
public sealed class RerankApiTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    // Cohere's rerank documentation (v2 "rerank-v3.5" example).
    private const string CohereDocsBody = """
        {
          "model": "rerank-v3.5",
          "query": "What is the capital of the United States?",
          "top_n": 3,
          "documents": [
            "Carson City is the capital city of the American state of Nevada.",
            "The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean. Its capital is Saipan.",
            "Capitalization or capitalisation in English grammar is the use of a capital letter at the start of a word. English usage varies from capitalization in other languages.",
            "Washington, D.C. (also known as simply Washington or just D.C., and officially as the District of Columbia) is the capital of the United States. It is a federal district.",
            "Capital punishment has existed in the United States since beforethe United States was a country. As of 2017, capital punishment is legal in 30 of the 50 states."
          ]
        }
        """;

    [Fact]
    public async Task CohereV2_DocsExample_ReturnsCohereShapeFieldByField()
    {
        var (status, json, text) = await Helpers.PostAsync(f.Http, "/v2/rerank", CohereDocsBody);

        Assert.True(status == 200, text);
        Assert.Equal(["id", "results", "meta", "model", "usage", "lodestar"], Helpers.Keys(json));
        Assert.True(Guid.TryParse(json.GetProperty("id").GetString(), out _));
        JsonElement[] results = [.. json.GetProperty("results").EnumerateArray()];
        // what/capital/united/states: Washington and capital punishment 3 of 4 (tie: request order), Carson City 1 of 4.
        Assert.Equal([3, 4, 0], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal([0.75, 0.75, 0.25], results.Select(r => r.GetProperty("relevance_score").GetDouble()));
        Assert.All(results, r => Assert.Equal(["index", "relevance_score"], Helpers.Keys(r)));
        Assert.Equal("2", json.GetProperty("meta").GetProperty("api_version").GetProperty("version").GetString());
        Assert.Equal(1, json.GetProperty("meta").GetProperty("billed_units").GetProperty("search_units").GetInt32());
        Assert.Equal("retro-star", json.GetProperty("model").GetString());
        Assert.Equal("retro-star", json.GetProperty("lodestar").GetProperty("method").GetString());
    }

    [Fact]
    public async Task CohereV1_ObjectDocumentsWithReturnDocuments_EchoesEachText()
    {
        const string body = """
            {"query": "What is the capital of the United States?", "return_documents": true, "top_n": 2,
             "documents": [{"text": "Carson City is the capital city of the American state of Nevada."},
                           {"text": "Washington, D.C. is the capital of the United States."}]}
            """;
        var (status, json, text) = await Helpers.PostAsync(f.Http, "/v1/rerank", body);

        Assert.True(status == 200, text);
        JsonElement first = json.GetProperty("results")[0];
        Assert.Equal(["index", "relevance_score", "document"], Helpers.Keys(first));
        Assert.Equal(1, first.GetProperty("index").GetInt32());
        Assert.Equal(0.75, first.GetProperty("relevance_score").GetDouble());
        Assert.Equal("Washington, D.C. is the capital of the United States.", first.GetProperty("document").GetProperty("text").GetString());
        Assert.Equal("1", json.GetProperty("meta").GetProperty("api_version").GetProperty("version").GetString());
    }

    [Fact]
    public async Task VllmDocsExample_RanksParisFirst()
    {
        // vLLM's documentation of its Cohere-compatible /v1/rerank.
        const string body = """
            {"model": "BAAI/bge-reranker-base", "query": "What is the capital of France?",
             "documents": ["The capital of Brazil is Brasilia.", "The capital of France is Paris.", "Horses and cows are both animals"]}
            """;
        var (status, json, text) = await Helpers.PostAsync(f.Http, "/v1/rerank", body);

        Assert.True(status == 200, text);
        JsonElement[] results = [.. json.GetProperty("results").EnumerateArray()];
        Assert.Equal([1, 0, 2], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal([0.67, 0.33, 0.0], results.Select(r => r.GetProperty("relevance_score").GetDouble()));
    }

    [Fact]
    public async Task TeiDocsExample_ReturnsArrayOfIndexAndScore()
    {
        // Hugging Face TEI's README: POST /rerank.
        const string body = """{"query": "What is Deep Learning?", "texts": ["Deep Learning is not...", "Deep learning is..."]}""";
        var (status, json, text) = await Helpers.PostAsync(f.Http, "/rerank", body);

        Assert.True(status == 200, text);
        Assert.Equal(JsonValueKind.Array, json.ValueKind);
        Assert.Equal([0, 1], json.EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(json.EnumerateArray(), r => Assert.Equal(["index", "score"], Helpers.Keys(r)));
        Assert.Equal([0.67, 0.67], json.EnumerateArray().Select(r => r.GetProperty("score").GetDouble()));

        var (_, raw, _) = await Helpers.PostAsync(f.Http, "/rerank", """{"query": "What is Deep Learning?", "texts": ["Deep Learning is not...", "Deep learning is..."], "raw_scores": true, "return_text": true}""");
        Assert.Equal(["index", "score", "text"], Helpers.Keys(raw[0]));
        Assert.Equal(67, raw[0].GetProperty("score").GetDouble());
        Assert.Equal("Deep Learning is not...", raw[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Rerank_SamplesAndRepeat_SecondCallIsAnsweredFromTheStore()
    {
        const string body = """{"query": "supersonic boundary layer transition", "documents": ["transition of the supersonic boundary layer on a cone", "a note on heat"], "samples": 4}""";
        var (s1, first, t1) = await Helpers.PostAsync(f.Http, "/v1/rerank", body);
        int requests = f.Llm.Requests;
        var (s2, second, _) = await Helpers.PostAsync(f.Http, "/v1/rerank", body);

        Assert.True(s1 == 200, t1);
        Assert.Equal(200, s2);
        Assert.Equal(requests, f.Llm.Requests);
        Assert.Equal(8, first.GetProperty("lodestar").GetProperty("requested").GetInt64());
        Assert.Equal(0, second.GetProperty("lodestar").GetProperty("requested").GetInt64());
        Assert.Equal(8, second.GetProperty("lodestar").GetProperty("reused").GetInt64());
        Assert.Equal(4, second.GetProperty("lodestar").GetProperty("samples").GetInt32());
        // 4 of 4 words: samples 100, 97, 94, 91, mean 95.5.
        Assert.Equal(0.955, second.GetProperty("results")[0].GetProperty("relevance_score").GetDouble(), 12);
        Assert.Equal(first.GetProperty("results").GetRawText(), second.GetProperty("results").GetRawText());
    }

    [Fact]
    public async Task Rerank_UnknownMethodOrTask_Is422NamingTheChoices()
    {
        var (status, json, _) = await Helpers.PostAsync(f.Http, "/v1/rerank", """{"query": "q", "documents": ["a"], "method": "listwise"}""");
        Assert.Equal(422, status);
        Assert.Equal("method: expected one of retro-star, found 'listwise'", json.GetProperty("detail").GetString());

        (status, json, _) = await Helpers.PostAsync(f.Http, "/v1/rerank", """{"query": "q", "documents": ["a"], "task": "astrology"}""");
        Assert.Equal(422, status);
        Assert.StartsWith("task: expected one of ", json.GetProperty("detail").GetString());
    }
}
