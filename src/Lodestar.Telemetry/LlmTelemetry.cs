using System.Reflection;
using Lodestar.Llm.Client;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Lodestar.Telemetry;

/// <summary>
/// The OpenTelemetry side of LLM calls for one process: trace, metric and log providers subscribed to
/// <see cref="LlmMetrics.SourceName"/>, with the exporter of <see cref="TelemetrySettings"/>, and the chat
/// middleware of Microsoft.Extensions.AI that feeds them (<see cref="AddTo"/>).
/// </summary>
/// <remarks>
/// Signals: a span per call (<c>chat MODEL</c>, with the request's sampling parameters and the answer's token usage,
/// and a <c>retry</c> event per retry), the histograms <c>gen_ai.client.operation.duration</c> and
/// <c>gen_ai.client.token.usage</c> (input and output), the counter <c>lodestar.llm.retries</c> by kind, and failed
/// calls as log records. Prompts and answers are not recorded. Off, no provider exists and nothing is exported.
/// Dispose flushes and stops the exporters.
/// </remarks>
public sealed class LlmTelemetry : IDisposable
{
    // Typed loosely on purpose: with telemetry off, no method that names a Microsoft.Extensions.Logging or
    // dependency-injection type is compiled, so the CLI's start-up and every off-path call load none of those
    // assemblies (a lodestar.dll run from another project's output folder may lack their app-local copies).
    private readonly IDisposable? _traces;
    private readonly IDisposable? _metrics;
    private readonly IDisposable? _logs;

    private LlmTelemetry(TelemetrySettings settings, IDisposable? traces, IDisposable? metrics, IDisposable? logs)
    {
        Settings = settings;
        _traces = traces;
        _metrics = metrics;
        _logs = logs;
    }

    /// <summary>Telemetry that is off.</summary>
    public static LlmTelemetry Off { get; } = new(TelemetrySettings.Off, null, null, null);

    /// <summary>The settings it was started with.</summary>
    public TelemetrySettings Settings { get; }

    /// <summary>Whether signals are exported.</summary>
    public bool Enabled => _traces is not null;

    /// <summary>Starts the providers <paramref name="settings"/> ask for (none when off).</summary>
    public static LlmTelemetry Start(TelemetrySettings settings) => Start(settings, null, null);

    /// <summary>Starts the providers <paramref name="settings"/> ask for, with more exporters or processors added
    /// by the callbacks (an in-memory exporter in tests, a host's own). When off, the callbacks are not called.</summary>
    public static LlmTelemetry Start(TelemetrySettings settings, Action<TracerProviderBuilder>? traces, Action<MeterProviderBuilder>? metrics)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Exporter == TelemetryExporter.None ? Off : StartProviders(settings, traces, metrics);
    }

    private static LlmTelemetry StartProviders(TelemetrySettings settings, Action<TracerProviderBuilder>? traces, Action<MeterProviderBuilder>? metrics)
    {
        string version = typeof(LlmTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        ResourceBuilder resource = ResourceBuilder.CreateDefault().AddService("lodestar", serviceVersion: version.Split('+')[0]);
        TracerProviderBuilder t = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(LlmMetrics.SourceName);
        MeterProviderBuilder m = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(LlmMetrics.SourceName);
        bool console = settings.Exporter == TelemetryExporter.Console;
        if (console)
        {
            t.AddConsoleExporter();
            m.AddConsoleExporter();
        }
        else
        {
            t.AddOtlpExporter();
            m.AddOtlpExporter();
        }

        traces?.Invoke(t);
        metrics?.Invoke(m);
        ILoggerFactory logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(resource);
            if (console)
            {
                o.AddConsoleExporter();
            }
            else
            {
                o.AddOtlpExporter();
            }
        }));
        return new LlmTelemetry(settings, t.Build(), m.Build(), logs);
    }

    /// <summary>Adds Microsoft.Extensions.AI's OpenTelemetry and logging middleware to <paramref name="builder"/>
    /// when on; when off the builder is left as it is.</summary>
    public ChatClientBuilder AddTo(ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Enabled ? AddMiddleware(builder) : builder;
    }

    /// <summary><paramref name="inner"/> inside a <see cref="ChatClientBuilder"/> pipeline with the middleware when
    /// on; when off, <paramref name="inner"/> itself.</summary>
    public IChatClient Wrap(IChatClient inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return Enabled ? AddMiddleware(new ChatClientBuilder(inner)).Build() : inner;
    }

    private ChatClientBuilder AddMiddleware(ChatClientBuilder builder)
    {
        var logs = (ILoggerFactory)_logs!;
        return builder.UseOpenTelemetry(logs, LlmMetrics.SourceName).UseLogging(logs);
    }

    /// <summary>Exports what is pending now (metrics are otherwise exported periodically and at dispose).</summary>
    public void Flush()
    {
        if (Enabled)
        {
            FlushProviders();
        }
    }

    private void FlushProviders()
    {
        ((TracerProvider)_traces!).ForceFlush();
        ((MeterProvider)_metrics!).ForceFlush();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!Enabled)
        {
            return;
        }

        _traces?.Dispose();
        _metrics?.Dispose();
        _logs?.Dispose();
    }
}
