using System.Text.Json;

namespace Lodestar.Server.Tests;

/// <summary>Health, readiness, Prometheus metrics, the OpenAPI document and its reference page.</summary>
public sealed class ObservabilityTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task HealthAndReadiness_AreHealthy()
    {
        var (live, _, liveText) = await Helpers.GetAsync(f.Http, "/health/live");
        var (ready, _, readyText) = await Helpers.GetAsync(f.Http, "/health/ready");
        Assert.Equal((200, "Healthy"), (live, liveText));
        Assert.Equal((200, "Healthy"), (ready, readyText));
    }

    [Fact]
    public async Task Metrics_CountSearchesAndHttpRequests()
    {
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await Helpers.PostAsync(f.Http, "/v1/search", """{"query": "wing", "k": 1}""")).Status);
        }

        string text = "";
        // The exporter collects on a scrape; counters appear once their first value is recorded.
        for (int attempt = 0; attempt < 20 && !text.Contains("mode=\"bm25\"", StringComparison.Ordinal); attempt++)
        {
            text = (await Helpers.GetAsync(f.Http, "/metrics")).Text;
            await Task.Delay(100);
        }

        string? line = text.Split('\n').FirstOrDefault(l => l.StartsWith("lodestar_searches_total{", StringComparison.Ordinal) && l.Contains("mode=\"bm25\"", StringComparison.Ordinal));
        Assert.True(line is not null, text.Length > 3000 ? text[..3000] : text);
        Assert.True(double.Parse(line!.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture) >= 3, line);
        Assert.Contains("http_server_request_duration_seconds_bucket", text);
    }

    [Fact]
    public async Task OpenApi_DescribesEveryEndpoint_AndTheReferenceUsesNoCdn()
    {
        var (status, json, _) = await Helpers.GetAsync(f.Http, "/openapi/v1.json");
        Assert.Equal(200, status);
        string[] paths = [.. json.GetProperty("paths").EnumerateObject().Select(p => p.Name)];
        foreach (string p in new[] { "/v1/rerank", "/v2/rerank", "/rerank", "/v1/search", "/v1/documents/{index}/{id}", "/v1/info" })
        {
            Assert.Contains(p, paths);
        }

        JsonElement rerank = json.GetProperty("paths").GetProperty("/v2/rerank").GetProperty("post");
        Assert.True(rerank.GetProperty("responses").TryGetProperty("422", out _));
        var (scalar, _, html) = await Helpers.GetAsync(f.Http, "/scalar");
        Assert.Equal(200, scalar);
        Assert.DoesNotContain("cdn.", html);
        Assert.DoesNotContain("https://", html.Replace("https://github.com", "", StringComparison.Ordinal));
    }
}
