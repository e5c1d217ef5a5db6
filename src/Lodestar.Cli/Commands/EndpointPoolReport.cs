using Lodestar.Llm.Client;
using Microsoft.Extensions.AI;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>--endpoint URL</c> given more than once: the servers as one <see cref="EndpointPool"/>, each checked before
/// anything is sent, and per-endpoint counts (requests, failures, ejections, re-admissions) written to stderr when the
/// command is done with the client.
/// </summary>
internal sealed class EndpointPoolReport : DelegatingChatClient
{
    private readonly CliContext _context;
    private readonly EndpointPool _pool;

    private EndpointPoolReport(CliContext context, EndpointPool pool)
        : base(pool)
    {
        _context = context;
        _pool = pool;
    }

    /// <summary>Opens each endpoint with <paramref name="open"/> (in-flight discovery and the endpoint check) and pools them.</summary>
    /// <exception cref="ArgumentException">Both endpoints and <c>--gguf</c>, or the same endpoint twice.</exception>
    public static IChatClient Open(CliContext context, IReadOnlyList<string> endpoints, string? gguf, Func<string, IChatClient> open)
    {
        if (gguf is not null)
        {
            throw new ArgumentException("give either --endpoint URL --model NAME (servers) or --gguf MODEL (embedded llama.cpp)");
        }

        if (endpoints.Select(e => e.TrimEnd('/')).Distinct(StringComparer.OrdinalIgnoreCase).Count() < endpoints.Count)
        {
            throw new ArgumentException($"--endpoint lists one server twice: {string.Join(", ", endpoints)}");
        }

        var servers = new List<OpenAiClient>();
        try
        {
            foreach (string url in endpoints)
            {
                context.Error.Write($"{url}: ");
                servers.Add(open(url).GetService<OpenAiClient>()!);
            }
        }
        catch
        {
            servers.ForEach(s => s.Dispose());
            throw;
        }

        EndpointPool pool = EndpointPool.ForServers(servers);
        context.Error.WriteLine($"{servers.Count} endpoints, {pool.Endpoint.MaxInFlight} requests in flight in all, balanced by least outstanding requests");
        return new EndpointPoolReport(context, pool);
    }

    /// <summary>The per-endpoint counts, one line each.</summary>
    public static IEnumerable<string> Lines(EndpointPool pool) => pool.Stats().Select(s =>
        $"endpoint {s.Endpoint}: {s.Requests:N0} requests, {s.Failures:N0} failed, {s.Ejections} ejections, {s.Readmissions} re-admissions{(s.Out ? " (out at the end)" : "")}");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (string line in Lines(_pool))
            {
                _context.Error.WriteLine(line);
            }
        }

        base.Dispose(disposing);
    }
}
