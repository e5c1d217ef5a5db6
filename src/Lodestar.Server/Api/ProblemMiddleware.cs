using System.Text.Json;
using Lodestar.Errors;
using Lodestar.Server.Reranking;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Lodestar.Server.Api;

/// <summary>Turns refusals and failures into RFC 9457 ProblemDetails: malformed JSON 400 (with its line and byte),
/// a body over the limit 413, a bad value 422, an LLM backend failure 502/503 with its cause. Nothing else is
/// caught: a bug stays a 500.</summary>
internal static class ProblemMiddleware
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        long? limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (context.Request.ContentLength > limit)
        {
            // Refused before a byte of the body is read; a chunked body over the limit fails while it is read (below).
            context.Response.StatusCode = 413;
            await context.Response.WriteAsJsonAsync(new ProblemDetails { Status = 413, Title = "Request body too large", Detail = $"request body: at most {limit:N0} bytes, found {context.Request.ContentLength:N0}", Instance = context.Request.Path },
                ServerJson.Default.ProblemDetails, "application/problem+json").ConfigureAwait(false);
            return;
        }

        try
        {
            await next().ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted && Map(e, context) is ProblemDetails problem)
        {
            context.Response.Clear();
            context.Response.StatusCode = problem.Status!.Value;
            await context.Response.WriteAsJsonAsync(problem, ServerJson.Default.ProblemDetails, "application/problem+json").ConfigureAwait(false);
        }
    }

    private static ProblemDetails? Map(Exception e, HttpContext context)
    {
        (int status, string title, string detail)? mapped = e switch
        {
            ApiProblem p => (p.Status, p.Title, p.Message),
            InputException i => (400, "Bad input", i.Message),
            BackendException b => (b.Status, b.Status == 503 ? "LLM backend unavailable" : "LLM backend failed", b.Message),
            BadHttpRequestException { StatusCode: 413 } => (413, "Request body too large", $"request body: at most {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize:N0} bytes"),
            BadHttpRequestException { InnerException: JsonException j } => (400, "Malformed JSON", JsonMessage(j)),
            BadHttpRequestException b => (b.StatusCode, "Bad request", b.Message),
            JsonException j => (400, "Malformed JSON", JsonMessage(j)),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
            _ => null,
        };
        return mapped is not { } m ? null : new ProblemDetails { Status = m.status, Title = m.title, Detail = m.detail, Instance = context.Request.Path };
    }

    private static string JsonMessage(JsonException j) =>
        j.LineNumber is long line ? $"request body:{line + 1}:{(j.BytePositionInLine ?? 0) + 1}: {FirstSentence(j.Message)}" : FirstSentence(j.Message);

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
