using System.Diagnostics.Metrics;

namespace Lodestar.Server.Telemetry;

/// <summary>The service's own instruments (meter <c>Lodestar.Server</c>); HTTP request counts and latencies come
/// from ASP.NET Core's <c>Microsoft.AspNetCore.Hosting</c> meter. Both are exported at <c>/metrics</c>.</summary>
public sealed class ServerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Lodestar.Server";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _searches;
    private readonly Counter<long> _samplesRequested;
    private readonly Counter<long> _storeHits;
    private readonly Counter<long> _llmFailures;
    private readonly Counter<long> _reranks;

    /// <summary>Creates the instruments.</summary>
    public ServerMetrics()
    {
        _searches = _meter.CreateCounter<long>("lodestar.searches", description: "First-stage searches, by mode.");
        _reranks = _meter.CreateCounter<long>("lodestar.reranks", description: "Rerank calls, by method.");
        _samplesRequested = _meter.CreateCounter<long>("lodestar.llm.samples", description: "LLM samples asked of the model.");
        _storeHits = _meter.CreateCounter<long>("lodestar.judgments.hits", description: "Samples answered by the judgment store.");
        _llmFailures = _meter.CreateCounter<long>("lodestar.llm.failures", description: "LLM requests that failed after their retries.");
    }

    /// <summary>Counts a search.</summary>
    public void RecordSearch(string mode) => _searches.Add(1, new KeyValuePair<string, object?>("mode", mode));

    /// <summary>Counts a rerank and its samples, store hits and failures.</summary>
    public void RecordRerank(string method, long requested, long reused, long failures)
    {
        var tag = new KeyValuePair<string, object?>("method", method);
        _reranks.Add(1, tag);
        _samplesRequested.Add(requested, tag);
        _storeHits.Add(reused, tag);
        _llmFailures.Add(failures, tag);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
