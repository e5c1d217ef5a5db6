using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Lodestar.Server.Api;

/// <summary>With API keys configured, every request but the page, its assets and the health probes must carry
/// <c>Authorization: Bearer KEY</c> with one of them; others get 401 with a ProblemDetails. Keys are compared in
/// constant time, and the matching client's name is kept on the request (<see cref="ClientOf"/>).</summary>
internal sealed class ApiKeyMiddleware(IReadOnlyList<ApiClientKey> keys)
{
    private const string ClientItem = "lodestar.client";
    private readonly (string Name, byte[] Hash)[] _keys = [.. keys.Select(k => (k.Name, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key))))];

    public static bool IsPublic(PathString path) =>
        path == "/" || path.StartsWithSegments("/assets") || path.StartsWithSegments("/health");

    /// <summary>Who a request counts against: its API key's client name when keys are configured, else its address.</summary>
    public static string ClientOf(HttpContext context) => context.Items[ClientItem] is string name
        ? "key:" + name
        : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (IsPublic(context.Request.Path))
        {
            await next().ConfigureAwait(false);
            return;
        }

        if (Match(context.Request.Headers.Authorization.ToString()) is string client)
        {
            context.Items[ClientItem] = client;
            await next().ConfigureAwait(false);
            return;
        }

        bool given = context.Request.Headers.Authorization.Count > 0;
        context.Response.StatusCode = 401;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsJsonAsync(new ProblemDetails
        {
            Status = 401,
            Title = "Unauthorized",
            Detail = given ? "the API key in the Authorization header is not one of the server's" : "expected an 'Authorization: Bearer KEY' header, found none",
            Instance = context.Request.Path,
        }, ServerJson.Default.ProblemDetails, "application/problem+json").ConfigureAwait(false);
    }

    private string? Match(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        string? client = null;
        foreach ((string name, byte[] hash) in _keys)
        {
            // Every key is compared, so the time taken does not say which one came close.
            if (CryptographicOperations.FixedTimeEquals(given, hash))
            {
                client = name;
            }
        }

        return client;
    }
}
