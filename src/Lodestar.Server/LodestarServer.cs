using System.Threading.RateLimiting;
using Lodestar.Llm.Judgments;
using Lodestar.Server.Api;
using Lodestar.Server.Catalog;
using Lodestar.Server.Experiments;
using Lodestar.Server.Mcp;
using Lodestar.Server.Reranking;
using Lodestar.Server.Telemetry;
using Lodestar.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace Lodestar.Server;

/// <summary>Builds the service: rerank APIs (Cohere, TEI), search, documents, MCP at <c>/mcp</c>, OpenAPI at
/// <c>/openapi/v1.json</c> with a reference at <c>/scalar</c>, <c>/health/live</c> and <c>/health/ready</c>,
/// Prometheus metrics at <c>/metrics</c>, and the page at <c>/</c>.</summary>
public static class LodestarServer
{
    private const string RerankTimeoutPolicy = "rerank";

    /// <summary>Opens the indexes, the judgment store, topics and qrels, and builds the application (not started).</summary>
    /// <exception cref="ArgumentException">A bad index name, or an LLM without a judgment store.</exception>
    public static WebApplication Build(ServerOptions options, Action<ILoggingBuilder>? logging = null)
    {
        if (options.Chat is not null && options.StorePath is null)
        {
            throw new ArgumentException("reranking needs a judgment store: give --store FILE");
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.Limits.MaxBodyBytes;
            k.Limits.RequestHeadersTimeout = options.Limits.HeadersTimeout;
            k.Limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(240, TimeSpan.FromSeconds(5));
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft", LogLevel.Warning).AddFilter("ModelContextProtocol", LogLevel.Warning);
        }
        else
        {
            logging(builder.Logging);
        }

        AddServices(builder.Services, options);
        builder.Services.ConfigureHttpJsonOptions(j =>
        {
            // Requests are bound with these options: the same snake_case names as the generated context writes.
            j.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJson.Default);
            j.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            j.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.Configure<RouteHandlerOptions>(r => r.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddRateLimiter(r =>
        {
            r.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx => ApiKeyMiddleware.IsPublic(ctx.Request.Path)
                ? RateLimitPartition.GetNoLimiter("public")
                : RateLimitPartition.GetConcurrencyLimiter(ApiKeyMiddleware.ClientOf(ctx), _ => new ConcurrencyLimiterOptions { PermitLimit = options.Limits.MaxConcurrentPerClient, QueueLimit = 0 }));
            r.RejectionStatusCode = 429;
            r.OnRejected = (ctx, ct) => new ValueTask(ctx.HttpContext.Response.WriteAsJsonAsync(new ProblemDetails
            {
                Status = 429,
                Title = "Too many requests",
                Detail = $"requests in progress per client ({ClientLabel(ctx.HttpContext)}): at most {options.Limits.MaxConcurrentPerClient}",
            }, ServerJson.Default.ProblemDetails, "application/problem+json", ct));
        });
        builder.Services.AddRequestTimeouts(t =>
        {
            t.DefaultPolicy = new RequestTimeoutPolicy { Timeout = options.Limits.SearchTimeout, TimeoutStatusCode = 504 };
            t.AddPolicy(RerankTimeoutPolicy, new RequestTimeoutPolicy { Timeout = options.Limits.RerankTimeout, TimeoutStatusCode = 504 });
        });
        builder.Services.AddOpenApi();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter(ServerMetrics.MeterName).AddPrometheusExporter());
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "lodestar", Version = typeof(LodestarServer).Assembly.GetName().Version?.ToString() ?? "0" })
            .WithHttpTransport(h => h.Stateless = true).WithTools<LodestarTools>();

        WebApplication app = builder.Build();
        app.Use((ctx, next) => ProblemMiddleware.InvokeAsync(ctx, () => next(ctx)));
        if (options.ApiKeys.Count > 0)
        {
            var auth = new ApiKeyMiddleware(options.ApiKeys);
            app.Use((ctx, next) => auth.InvokeAsync(ctx, () => next(ctx)));
        }

        app.UseRateLimiter();
        app.UseRequestTimeouts();
        Map(app, options);
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            app.Services.GetRequiredService<IndexCatalog>().Dispose();
            app.Services.GetService<JudgmentStore>()?.Dispose();
        });
        return app;
    }

    /// <summary>The service's singletons, shared by the HTTP host and <c>lodestar mcp --stdio</c>.</summary>
    public static void AddServices(IServiceCollection services, ServerOptions options)
    {
        var metrics = new ServerMetrics();
        var indexes = new IndexCatalog(options.Indexes, options.Bm25);
        JudgmentStore? store = options.StorePath is null ? null : new JudgmentStore(options.StorePath);
        List<IReranker> methods = options.Chat is null || store is null ? [] : [new RetroStarMethod(options.Chat, store, options.Rerank, metrics)];
        var rerankers = new RerankerRegistry(methods);
        services.AddSingleton(options);
        services.AddSingleton(metrics);
        services.AddSingleton(indexes);
        if (store is not null)
        {
            services.AddSingleton(store);
        }

        services.AddSingleton(rerankers);
        services.AddSingleton(new SearchService(options, indexes, rerankers, metrics));
        services.AddSingleton(new ExperimentCatalog(options.Experiments));
        services.AddSingleton<Jobs.JobManager>();
        services.AddHostedService(sp => sp.GetRequiredService<Jobs.JobManager>());
    }

    private static void Map(WebApplication app, ServerOptions options)
    {
        RouteGroupBuilder api = app.MapGroup("");
        SearchApi.Map(api, options);
        RouteGroupBuilder llm = app.MapGroup("");
        llm.WithRequestTimeout(RerankTimeoutPolicy);
        RerankApi.Map(llm);
        JobsApi.Map(app);
        app.MapMcp("/mcp").WithRequestTimeout(RerankTimeoutPolicy);
        app.MapOpenApi();
        app.MapScalarApiReference("/scalar");
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        WebAssets.Map(app);
    }

    /// <summary>The concurrency partition of a request: its client address.</summary>
    private static string ClientLabel(HttpContext ctx) => ApiKeyMiddleware.ClientOf(ctx) is var client && client.StartsWith("key:", StringComparison.Ordinal)
        ? $"API key '{client[4..]}'"
        : $"address {client["address:".Length..]}";

    /// <summary>Ready when every index answers and, with an LLM, the judgment store is open.</summary>
    private sealed class ReadinessCheck(IndexCatalog indexes, ServerOptions options, IServiceProvider services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (indexes.All.Any(i => i.Reader.DocumentCount < 0))
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("an index is not readable"));
            }

            if (options.Chat is not null && services.GetService<JudgmentStore>() is null)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("the judgment store is not open"));
            }

            return Task.FromResult(HealthCheckResult.Healthy($"{indexes.Names.Count} indexes, {(options.Chat is null ? "no LLM" : "LLM configured")}"));
        }
    }
}
