using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lodestar.Server.Mcp;

/// <summary><c>lodestar mcp --stdio</c>: the same tools over standard input and output; logs go to stderr.</summary>
public static class McpStdio
{
    /// <summary>Serves until stdin closes or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        LodestarServer.AddServices(builder.Services, options);
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "lodestar", Version = typeof(McpStdio).Assembly.GetName().Version?.ToString() ?? "0" })
            .WithStdioServerTransport().WithTools<LodestarTools>();
        using IHost host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
