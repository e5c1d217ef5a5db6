using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lodestar.Llm.Client;

/// <summary>
/// What the client layer adds to the OpenTelemetry signals of Microsoft.Extensions.AI's chat middleware (calls,
/// tokens, latencies): retries, as the counter <c>lodestar.llm.retries</c> and as a <c>retry</c> event on the call's
/// span. Plain <see cref="System.Diagnostics"/> instruments: they cost nothing until an exporter listens.
/// </summary>
public static class LlmMetrics
{
    /// <summary>The name of the meter and activity source of every LLM signal Lodestar emits (the chat middleware
    /// uses it too), which an exporter subscribes to.</summary>
    public const string SourceName = "Lodestar.Llm";

    /// <summary>The retry counter's name.</summary>
    public const string RetriesName = "lodestar.llm.retries";

    private static readonly Meter s_meter = new(SourceName);

    private static readonly Counter<long> s_retries = s_meter.CreateCounter<long>(RetriesName, "{retry}",
        "Retries of LLM requests after a transient failure, by kind (error.type).");

    /// <summary>Records one retry of a request to <paramref name="options"/>' server after <paramref name="failure"/>.</summary>
    public static void Retried(LlmException failure, EndpointOptions options, TimeSpan delay)
    {
        string kind = RetryLog.KindOf(failure);
        var tags = new TagList
        {
            { "error.type", kind },
            { "gen_ai.request.model", options.Model },
            { "server.address", options.BaseUrl.Host },
            { "server.port", options.BaseUrl.Port },
        };
        s_retries.Add(1, tags);
        Activity.Current?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
        {
            ["error.type"] = kind,
            ["lodestar.retry.delay_ms"] = delay.TotalMilliseconds,
        }));
    }
}
