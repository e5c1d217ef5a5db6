using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Lodestar.Server.Tests;

/// <summary>The MCP tools through the SDK's own client: over HTTP at /mcp, and over stdio from <c>lodestar mcp --stdio</c>.</summary>
public sealed class McpTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private static string TextOf(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    [Fact]
    public async Task Http_ListsFourToolsAndSearchesRerankAndFetches()
    {
        await using McpClient client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(f.Url, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        }));

        IList<McpClientTool> tools = await client.ListToolsAsync();
        Assert.Equal(["explain", "get_document", "rerank", "search"], tools.Select(t => t.Name).Order());

        CallToolResult search = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "wing flutter", ["k"] = 3 });
        Assert.NotEqual(true, search.IsError);
        JsonElement hits = JsonDocument.Parse(TextOf(search)).RootElement.GetProperty("hits");
        Assert.Equal(3, hits.GetArrayLength());
        var (_, http, _) = await Helpers.PostAsync(f.Http, "/v1/search", """{"query": "wing flutter", "k": 3}""");
        Assert.Equal(http.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()), hits.EnumerateArray().Select(h => h.GetProperty("id").GetString()));

        string id = hits[0].GetProperty("id").GetString()!;
        CallToolResult doc = await client.CallToolAsync("get_document", new Dictionary<string, object?> { ["id"] = id });
        Assert.Equal(id, JsonDocument.Parse(TextOf(doc)).RootElement.GetProperty("id").GetString());

        CallToolResult rerank = await client.CallToolAsync("rerank", new Dictionary<string, object?>
        {
            ["query"] = "What is the capital of France?",
            ["documents"] = new[] { "The capital of Brazil is Brasilia.", "The capital of France is Paris." },
        });
        JsonElement ranked = JsonDocument.Parse(TextOf(rerank)).RootElement;
        Assert.Equal([1, 0], ranked.EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));

        CallToolResult explain = await client.CallToolAsync("explain", new Dictionary<string, object?> { ["query"] = "wing flutter", ["id"] = id, ["rerank"] = true });
        JsonElement hit = JsonDocument.Parse(TextOf(explain)).RootElement.GetProperty("hits")[0];
        Assert.Equal(hits[0].GetProperty("score").GetDouble(), hit.GetProperty("explanation").GetProperty("score").GetDouble());
        Assert.Contains("<score>", hit.GetProperty("samples")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Stdio_LodestarMcpServesTheSameTools()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "lodestar.dll");
        await using McpClient client = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = "dotnet",
            Arguments = [cli, "mcp", "--stdio", "--index", f.IndexPath + "=cran"],
            Name = "lodestar",
        }));

        IList<McpClientTool> tools = await client.ListToolsAsync();
        Assert.Equal(["explain", "get_document", "rerank", "search"], tools.Select(t => t.Name).Order());
        CallToolResult search = await client.CallToolAsync("search", new Dictionary<string, object?> { ["query"] = "wing flutter", ["k"] = 2, ["index"] = "cran" });
        JsonElement json = JsonDocument.Parse(TextOf(search)).RootElement;
        Assert.Equal("cran", json.GetProperty("index").GetString());
        Assert.Equal(2, json.GetProperty("hits").GetArrayLength());
        // No LLM was configured: the rerank tool reports it as an error, not as a ranking.
        CallToolResult rerank = await client.CallToolAsync("rerank", new Dictionary<string, object?> { ["query"] = "q", ["documents"] = new[] { "a" } });
        Assert.True(rerank.IsError);
    }
}
