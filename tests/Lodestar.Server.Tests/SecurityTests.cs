using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Lodestar.Llm.Tests;
using Microsoft.AspNetCore.Builder;

namespace Lodestar.Server.Tests;

/// <summary>Refusals: each gets its status and a ProblemDetails naming the limit, and the server keeps serving.</summary>
public sealed class SecurityTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private const string Key = "s3cret-key";
    private const string OtherKey = "another-key";

    private async Task<(WebApplication App, HttpClient Http)> StartAsync(ServerOptions options)
    {
        WebApplication app = await ServerFixture.StartAsync(f, options);
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    private ServerOptions Guarded => new()
    {
        Indexes = [("cranfield", f.IndexPath)],
        Chat = ServerFixture.ChatFor(f.Llm.Url),
        StorePath = Path.Combine(f.Dir, $"guarded-{Guid.NewGuid():N}.db"),
        ApiKeys = [new ApiClientKey("alice", Key), new ApiClientKey("bob", OtherKey)],
        Limits = new ServerLimits { MaxBodyBytes = 64 * 1024, MaxDocuments = 1000, HeadersTimeout = TimeSpan.FromSeconds(1) },
    };

    private static async Task AssertServing(HttpClient http)
    {
        var (status, json, _) = await Helpers.PostAsync(http, "/v1/search", """{"query": "wing", "k": 1}""", Key);
        Assert.Equal(200, status);
        Assert.Equal(1, json.GetProperty("hits").GetArrayLength());
    }

    [Fact]
    public async Task ApiKey_MissingOrWrong_Is401_PageAndHealthStayOpen()
    {
        var (app, http) = await StartAsync(Guarded);
        await using (app)
        {
            var (status, json, _) = await Helpers.PostAsync(http, "/v1/search", """{"query": "wing"}""");
            Assert.Equal(401, status);
            Assert.Equal("expected an 'Authorization: Bearer KEY' header, found none", json.GetProperty("detail").GetString());
            (status, json, _) = await Helpers.PostAsync(http, "/v1/rerank", """{"query": "q", "documents": ["a"]}""", "wrong");
            Assert.Equal(401, status);
            Assert.Equal("the API key in the Authorization header is not one of the server's", json.GetProperty("detail").GetString());
            Assert.Equal(401, (await Helpers.GetAsync(http, "/metrics")).Status);
            Assert.Equal(200, (await Helpers.GetAsync(http, "/")).Status);
            Assert.Equal(200, (await Helpers.GetAsync(http, "/health/ready")).Status);
            await AssertServing(http);
        }
    }

    [Fact]
    public async Task OversizedBody_Is413NamingTheLimit()
    {
        var (app, http) = await StartAsync(Guarded);
        await using (app)
        {
            // As curl sends a large body: headers with Expect: 100-continue, so the refusal comes before the body.
            var uri = new Uri(app.Urls.First());
            using var client = new TcpClient();
            await client.ConnectAsync(uri.Host, uri.Port);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /v1/rerank HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {Key}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n"));
            var response = new StringBuilder();
            var buffer = new byte[4096];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!response.ToString().Contains("}", StringComparison.Ordinal) && await stream.ReadAsync(buffer, cts.Token) is int n and > 0)
            {
                response.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }

            string text = response.ToString();
            Assert.StartsWith("HTTP/1.1 413 Payload Too Large\r\n", text);
            Assert.Contains("Content-Type: application/problem+json", text);
            Assert.Contains("\"detail\":\"request body: at most 65,536 bytes, found 100,000\"", text);
            await AssertServing(http);
        }
    }

    [Fact]
    public async Task TenThousandDocuments_Is422NamingTheLimit()
    {
        string body = JsonSerializer.Serialize(new { query = "q", documents = Enumerable.Range(0, 10_000).Select(i => $"d{i}").ToArray() });
        var (status, json, _) = await Helpers.PostAsync(f.Http, "/v2/rerank", body);
        Assert.Equal(422, status);
        Assert.Equal("Limit exceeded", json.GetProperty("title").GetString());
        Assert.Equal("documents per request: at most 1,000, found 10,000", json.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Undefined, json.TryGetProperty("results", out _) ? JsonValueKind.Object : JsonValueKind.Undefined);
    }

    [Theory]
    [InlineData("../cranfield")]
    [InlineData("/etc/passwd")]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("C:\\\\index")]
    public async Task PathLikeIndexNames_Are404AndNeverOpened(string name)
    {
        var (status, json, _) = await Helpers.PostAsync(f.Http, "/v1/search", $$"""{"index": "{{name}}", "query": "wing"}""");
        Assert.Equal(404, status);
        Assert.StartsWith("unknown index '", json.GetProperty("detail").GetString());
        Assert.EndsWith("expected one of: cranfield", json.GetProperty("detail").GetString());
        (status, _, _) = await Helpers.GetAsync(f.Http, "/v1/documents/" + Uri.EscapeDataString(name) + "/1");
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task MalformedJson_Is400WithLineAndColumn()
    {
        var (status, json, _) = await Helpers.PostAsync(f.Http, "/v1/search", "{\"query\": \"wing\",\n \"k\": }");
        Assert.Equal(400, status);
        Assert.Equal("Malformed JSON", json.GetProperty("title").GetString());
        Assert.StartsWith("request body:2:", json.GetProperty("detail").GetString());

        (status, json, _) = await Helpers.PostAsync(f.Http, "/v1/search", """{"query": "wing", "k": "ten"}""");
        Assert.Equal(400, status);
        Assert.StartsWith("request body:1:", json.GetProperty("detail").GetString());
        var (ok, _, _) = await Helpers.PostAsync(f.Http, "/v1/search", """{"query": "wing", "k": 1}""");
        Assert.Equal(200, ok);
    }

    [Fact]
    public async Task SlowLoris_PartialHeadersAreCutOffWhileOthersAreServed()
    {
        var (app, http) = await StartAsync(Guarded);
        await using (app)
        {
            var uri = new Uri(app.Urls.First());
            var sockets = new List<TcpClient>();
            for (int i = 0; i < 20; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(uri.Host, uri.Port);
                await c.GetStream().WriteAsync(Encoding.ASCII.GetBytes("POST /v1/search HTTP/1.1\r\nHost: x\r\nX-Slow: "));
                sockets.Add(c);
            }

            await AssertServing(http);
            // Headers never finish: Kestrel closes each connection after the 1 s headers timeout.
            var closed = await Task.WhenAll(sockets.Select(async c =>
            {
                var buffer = new byte[512];
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    while (await c.GetStream().ReadAsync(buffer, cts.Token) > 0)
                    {
                    }

                    return true;
                }
                catch (IOException)
                {
                    return true; // reset by the server
                }
            }));
            Assert.All(closed, Assert.True);
            sockets.ForEach(s => s.Dispose());
            await AssertServing(http);
        }
    }

    [Fact]
    public async Task LlmBackend500_Is502WithTheCause_AndUnreachableIs503()
    {
        await using var failing = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Status(ctx, 500, "CUDA out of memory"));
        var (app, http) = await StartAsync(Guarded with { Chat = ServerFixture.ChatFor(failing.Url) });
        await using (app)
        {
            var (status, json, _) = await Helpers.PostAsync(http, "/v1/rerank", """{"query": "wing flutter", "documents": ["wing", "flutter"]}""", Key);
            Assert.Equal(502, status);
            Assert.Equal("LLM backend failed", json.GetProperty("title").GetString());
            string detail = json.GetProperty("detail").GetString()!;
            Assert.StartsWith("2 of 2 pairs failed after retries (Http 2); first: ", detail);
            Assert.Contains("500", detail);
            Assert.Contains("CUDA out of memory", detail);
        }

        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        (app, http) = await StartAsync(Guarded with { Chat = ServerFixture.ChatFor(new Uri($"http://127.0.0.1:{port}")) });
        await using (app)
        {
            var (status, json, _) = await Helpers.PostAsync(http, "/rerank", """{"query": "wing", "texts": ["wing"]}""", Key);
            Assert.Equal(503, status);
            Assert.Equal("LLM backend unavailable", json.GetProperty("title").GetString());
            Assert.Contains("Connection", json.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task PerClientConcurrency_OverTheLimitIs429()
    {
        var release = new TaskCompletionSource();
        await using var slow = await FakeOpenAiServer.StartAsync(async (ctx, _, body) =>
        {
            await release.Task;
            await FakeRetroStar.Answer(ctx, body);
        });
        var (app, http) = await StartAsync(Guarded with { Chat = ServerFixture.ChatFor(slow.Url), Limits = Guarded.Limits with { MaxConcurrentPerClient = 1 } });
        await using (app)
        {
            Task<(int, JsonElement, string)> first = Helpers.PostAsync(http, "/v1/rerank", """{"query": "wing", "documents": ["wing"]}""", Key);
            while (slow.Requests == 0)
            {
                await Task.Delay(10);
            }

            var (status, json, _) = await Helpers.PostAsync(http, "/v1/search", """{"query": "wing"}""", Key);
            Assert.Equal(429, status);
            Assert.Equal("requests in progress per client (API key 'alice'): at most 1", json.GetProperty("detail").GetString());

            // The limit is per key: another client on the same address is served while alice's request waits.
            (status, _, _) = await Helpers.PostAsync(http, "/v1/search", """{"query": "wing"}""", OtherKey);
            Assert.Equal(200, status);
            release.SetResult();
            Assert.Equal(200, (await first).Item1);
            await AssertServing(http);
        }
    }

    [Fact]
    public void KeyFile_NamesAndBareKeys_AreRead_BadLinesNameTheirPosition()
    {
        string path = Path.Combine(f.Dir, $"keys-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "# clients\nalice s3cret\n\n  k2-bare\n");
        Assert.Equal([new ApiClientKey("alice", "s3cret"), new ApiClientKey("key 2", "k2-bare")], ApiClientKey.ReadFile(path));

        File.WriteAllText(path, "alice s3cret\n  bob b1 extra\n");
        var error = Assert.Throws<Lodestar.Errors.InputException>(() => ApiClientKey.ReadFile(path));
        Assert.Equal($"{path}:2:3: expected 'KEY' or 'NAME KEY', found 3 fields", error.Message);

        File.WriteAllText(path, "alice s3cret\nbob s3cret\n");
        error = Assert.Throws<Lodestar.Errors.InputException>(() => ApiClientKey.ReadFile(path));
        Assert.Equal($"{path}:2:1: expected a new client name and key, found a repeated one ('bob')", error.Message);

        File.WriteAllText(path, "# none\n");
        error = Assert.Throws<Lodestar.Errors.InputException>(() => ApiClientKey.ReadFile(path));
        Assert.Equal($"{path}:1:1: expected at least one API key, found none", error.Message);
    }
}
