using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Lodestar.Server.Api;

/// <summary>With an API key configured, every request but the page, its assets and the health probes must carry
/// <c>Authorization: Bearer KEY</c>; others get 401 with a ProblemDetails. The key is compared in constant time.</summary>
internal sealed class ApiKeyMiddleware(string key)
{
    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool IsPublic(PathString path) =>
        path == "/" || path.StartsWithSegments("/assets") || path.StartsWithSegments("/health");

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (IsPublic(context.Request.Path) || Matches(context.Request.Headers.Authorization.ToString()))
        {
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
            Detail = given ? "the API key in the Authorization header is not the server's" : "expected an 'Authorization: Bearer KEY' header, found none",
            Instance = context.Request.Path,
        }, ServerJson.Default.ProblemDetails, "application/problem+json").ConfigureAwait(false);
    }

    private bool Matches(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, _key);
    }
}
