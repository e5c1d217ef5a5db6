namespace Lodestar.Telemetry;

/// <summary>Where OpenTelemetry signals go.</summary>
public enum TelemetryExporter
{
    /// <summary>Nowhere: no provider is made and the chat pipeline has no telemetry middleware (the default).</summary>
    None,

    /// <summary>Standard output, in OpenTelemetry's console format.</summary>
    Console,

    /// <summary>An OTLP collector; the exporter reads the standard <c>OTEL_EXPORTER_OTLP_*</c> variables (endpoint,
    /// protocol, headers).</summary>
    Otlp,
}

/// <summary>Whether and where LLM telemetry is exported. Off unless the environment asks for it.</summary>
/// <param name="Exporter">The exporter.</param>
public sealed record TelemetrySettings(TelemetryExporter Exporter)
{
    /// <summary>No telemetry.</summary>
    public static TelemetrySettings Off { get; } = new(TelemetryExporter.None);

    /// <summary>
    /// The settings the environment asks for: <c>LODESTAR_OTEL</c> = <c>none</c>, <c>console</c> or <c>otlp</c>;
    /// without it, OTLP when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, else off. The standard
    /// <c>OTEL_SDK_DISABLED=true</c> turns everything off.
    /// </summary>
    /// <param name="variable">Reads a variable (default: the process environment).</param>
    /// <exception cref="ArgumentException"><c>LODESTAR_OTEL</c> has another value.</exception>
    public static TelemetrySettings FromEnvironment(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        if (string.Equals(variable("OTEL_SDK_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return Off;
        }

        string? choice = variable("LODESTAR_OTEL");
        return choice?.Trim().ToLowerInvariant() switch
        {
            null or "" => string.IsNullOrWhiteSpace(variable("OTEL_EXPORTER_OTLP_ENDPOINT")) ? Off : new(TelemetryExporter.Otlp),
            "none" => Off,
            "console" => new(TelemetryExporter.Console),
            "otlp" => new(TelemetryExporter.Otlp),
            _ => throw new ArgumentException($"LODESTAR_OTEL expects none, console or otlp, found '{choice}'"),
        };
    }
}
