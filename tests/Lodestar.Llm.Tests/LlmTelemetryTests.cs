using System.Diagnostics;
using Lodestar.Llm.Client;
using Lodestar.Telemetry;
using Microsoft.Extensions.AI;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Lodestar.Llm.Tests;

/// <summary>
/// The chat pipeline's OpenTelemetry signals, observed by OpenTelemetry's own in-memory exporter for a real call over
/// HTTP to the fake server: one span with the sampling parameters, token usage and a retry event; the duration,
/// token and retry metrics; and nothing when telemetry is off. Signals are filtered by the fake server's port,
/// since the retry counter is process-wide and other test classes run at the same time.
/// </summary>
public class LlmTelemetryTests
{
    private static readonly Dictionary<string, object> s_noThinking = new() { ["enable_thinking"] = false };

    private static ChatOptions Options() => new()
    {
        Temperature = 0.6f,
        TopK = 40,
        Seed = 42,
        MaxOutputTokens = 64,
        AdditionalProperties = new AdditionalPropertiesDictionary { ["n"] = 2, ["chat_template_kwargs"] = s_noThinking },
    };

    private static Task<FakeOpenAiServer> ServerFailingOnceAsync() => FakeOpenAiServer.StartAsync((ctx, n, _) =>
        n == 1 ? FakeOpenAiServer.Status(ctx, 500, "boom") : FakeOpenAiServer.Answer(ctx, "a <score>70</score>", "b <score>80</score>"));

    private static IChatClient Pipeline(FakeOpenAiServer server, LlmTelemetry telemetry) =>
        telemetry.Wrap(new OpenAiChatClient(new OpenAiClient(new EndpointOptions
        {
            BaseUrl = server.Url,
            Model = "retro-star",
            RetryDelay = TimeSpan.FromMilliseconds(5),
        })));

    /// <summary>The server-specific fields reach the server through the middleware.</summary>
    private static void AssertServerFields(string body)
    {
        var json = FakeOpenAiServer.Json(body);
        Assert.Equal(2, json.GetProperty("n").GetInt32());
        Assert.Equal(40, json.GetProperty("top_k").GetInt32());
        Assert.Equal(42, json.GetProperty("seed").GetInt64());
        Assert.Equal(0.6, json.GetProperty("temperature").GetDouble());
        Assert.False(json.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").GetBoolean());
    }

    private static bool OnPort(IEnumerable<KeyValuePair<string, object?>> tags, int port) =>
        tags.Any(t => t.Key == "server.port" && Convert.ToInt32(t.Value, System.Globalization.CultureInfo.InvariantCulture) == port);

    private static List<MetricPoint> Points(List<MetricSnapshot> metrics, string name, int port) =>
        [.. (metrics.LastOrDefault(m => m.Name == name)?.MetricPoints ?? []).Where(p => OnPort(Tags(p), port))];

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (KeyValuePair<string, object?> tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    private static string? Tag(MetricPoint point, string key) => Tags(point).FirstOrDefault(t => t.Key == key).Value?.ToString();

    [Fact]
    public async Task On_CallOverHttp_ExportsSpanTokensLatencyAndRetries()
    {
        await using FakeOpenAiServer server = await ServerFailingOnceAsync();
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using LlmTelemetry telemetry = LlmTelemetry.Start(new TelemetrySettings(TelemetryExporter.Console),
            t => t.AddInMemoryExporter(spans), m => m.AddInMemoryExporter(metrics));
        using IChatClient client = Pipeline(server, telemetry);

        ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Is this document relevant?")], Options());
        telemetry.Flush();

        Assert.Equal(2, response.Messages.Count);
        Assert.Equal(2, server.Requests);
        AssertServerFields(server.Bodies[1]);
        Activity span = Assert.Single(spans, s => OnPort(s.TagObjects, server.Url.Port));
        Assert.Equal("chat retro-star", span.DisplayName);
        Assert.Equal(100, Convert.ToInt32(span.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(40, Convert.ToInt32(span.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(40, Convert.ToInt32(span.GetTagItem("gen_ai.request.top_k"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(42L, Convert.ToInt64(span.GetTagItem("gen_ai.request.seed"), System.Globalization.CultureInfo.InvariantCulture));
        ActivityEvent retry = Assert.Single(span.Events, e => e.Name == "retry");
        Assert.Equal("HTTP 500", retry.Tags.Single(t => t.Key == "error.type").Value);

        MetricPoint retries = Assert.Single(Points(metrics, LlmMetrics.RetriesName, server.Url.Port));
        Assert.Equal((1L, "HTTP 500", "retro-star"), (retries.GetSumLong(), Tag(retries, "error.type"), Tag(retries, "gen_ai.request.model")));
        List<MetricPoint> usage = Points(metrics, "gen_ai.client.token.usage", server.Url.Port);
        Assert.Equal([("input", 100.0, 1L), ("output", 40.0, 1L)],
            usage.Select(p => (Tag(p, "gen_ai.token.type"), p.GetHistogramSum(), p.GetHistogramCount())).OrderBy(x => x.Item1, StringComparer.Ordinal));
        MetricPoint duration = Assert.Single(Points(metrics, "gen_ai.client.operation.duration", server.Url.Port));
        Assert.Equal(1L, duration.GetHistogramCount());
        Assert.InRange(duration.GetHistogramSum(), 1e-6, 10);
    }

    [Fact]
    public async Task Off_CallOverHttp_ExportsNothingAndAddsNoMiddleware()
    {
        await using FakeOpenAiServer server = await ServerFailingOnceAsync();
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using LlmTelemetry telemetry = LlmTelemetry.Start(TelemetrySettings.Off, t => t.AddInMemoryExporter(spans), m => m.AddInMemoryExporter(metrics));
        using IChatClient client = Pipeline(server, telemetry);

        ChatResponse response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Is this document relevant?")], Options());
        telemetry.Flush();

        Assert.False(telemetry.Enabled);
        Assert.IsType<OpenAiChatClient>(client);
        Assert.Null(client.GetService<ActivitySource>());
        Assert.Equal(2, response.Messages.Count);
        Assert.Equal(2, server.Requests);
        AssertServerFields(server.Bodies[1]);
        Assert.Empty(spans);
        Assert.Empty(metrics);
    }

    [Fact]
    public void On_Middleware_KeepsTheClientsServices()
    {
        using LlmTelemetry telemetry = LlmTelemetry.Start(new TelemetrySettings(TelemetryExporter.Console), t => { }, m => { });
        using IChatClient client = telemetry.AddTo(new ChatClientBuilder(new OpenAiChatClient(new OpenAiClient(new EndpointOptions
        {
            BaseUrl = new Uri("http://127.0.0.1:9"),
            Model = "m",
            MaxInFlight = 3,
        })))).Build();

        Assert.IsNotType<OpenAiChatClient>(client);
        Assert.NotNull(client.GetService<ActivitySource>());
        Assert.Equal(new ChatEndpoint("m", "http://127.0.0.1:9/", 3), client.GetService<ChatEndpoint>());
        Assert.NotNull(client.GetService<ITokenCounter>());
        Assert.NotNull(client.GetService<RetryLog>());
    }

    [Theory]
    [InlineData(null, null, null, TelemetryExporter.None)]
    [InlineData(null, "http://127.0.0.1:4317", null, TelemetryExporter.Otlp)]
    [InlineData("console", null, null, TelemetryExporter.Console)]
    [InlineData("OTLP", null, null, TelemetryExporter.Otlp)]
    [InlineData("none", "http://127.0.0.1:4317", null, TelemetryExporter.None)]
    [InlineData("console", "http://127.0.0.1:4317", "true", TelemetryExporter.None)]
    public void Settings_FromEnvironment_OffUnlessAsked(string? lodestar, string? endpoint, string? disabled, TelemetryExporter expected)
    {
        var variables = new Dictionary<string, string?>
        {
            ["LODESTAR_OTEL"] = lodestar,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_SDK_DISABLED"] = disabled,
        };

        Assert.Equal(expected, TelemetrySettings.FromEnvironment(v => variables.GetValueOrDefault(v)).Exporter);
    }

    [Fact]
    public void Settings_FromEnvironment_UnknownExporter_IsAUsageError()
    {
        var e = Assert.Throws<ArgumentException>(() => TelemetrySettings.FromEnvironment(v => v == "LODESTAR_OTEL" ? "jaeger" : null));
        Assert.Equal("LODESTAR_OTEL expects none, console or otlp, found 'jaeger'", e.Message);
    }
}
