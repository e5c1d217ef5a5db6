using System.Text.Json;
using Lodestar.Server.Reranking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lodestar.Server.Api;

/// <summary>The rerank APIs existing clients speak: Cohere v1 and v2 (also vLLM's and SGLang's) and Hugging Face TEI.</summary>
internal static class RerankApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/rerank", (CohereRerankRequest request, SearchService service, CancellationToken ct) => CohereAsync(request, "1", service, ct))
            .WithName("RerankCohereV1").WithTags("rerank").WithSummary("Cohere v1 rerank (also vLLM's /v1/rerank)")
            .Produces<CohereRerankResponse>().ProducesProblem(422).ProducesProblem(502).ProducesProblem(503);
        app.MapPost("/v2/rerank", (CohereRerankRequest request, SearchService service, CancellationToken ct) => CohereAsync(request, "2", service, ct))
            .WithName("RerankCohereV2").WithTags("rerank").WithSummary("Cohere v2 rerank")
            .Produces<CohereRerankResponse>().ProducesProblem(422).ProducesProblem(502).ProducesProblem(503);
        app.MapPost("/rerank", TeiAsync)
            .WithName("RerankTei").WithTags("rerank").WithSummary("Hugging Face TEI rerank")
            .Produces<List<TeiResult>>().ProducesProblem(422).ProducesProblem(502).ProducesProblem(503);
    }

    private static async Task<IResult> CohereAsync(CohereRerankRequest request, string version, SearchService service, CancellationToken ct)
    {
        List<string> texts = TextsOf(request.Documents);
        if (request.MaxTokensPerDoc is int maxTokens)
        {
            if (maxTokens < 1)
            {
                throw ApiProblem.Invalid($"max_tokens_per_doc: expected at least 1, found {maxTokens}");
            }

            // Tokens are counted as the library's fallback counts them: 4 characters a token.
            texts = [.. texts.Select(t => t.Length > (long)maxTokens * 4 ? t[..(maxTokens * 4)] : t)];
        }

        int topN = request.TopN ?? texts.Count;
        if (topN < 1)
        {
            throw ApiProblem.Invalid($"top_n: expected at least 1, found {topN}");
        }

        RerankOutcome outcome = await service.RerankAsync(request.Query, texts, request, ct).ConfigureAwait(false);
        bool withText = request.ReturnDocuments == true;
        var results = outcome.Candidates.Take(topN).Select(c => new CohereResult(c.Position, c.Score ?? 0, withText ? new CohereDocument(texts[c.Position]) : null)).ToList();
        var response = new CohereRerankResponse(Guid.NewGuid().ToString(), results,
            new CohereMeta(new CohereApiVersion(version), new CohereBilledUnits(1)), outcome.Model,
            new RerankUsage(outcome.TokensIn, outcome.TokensOut, outcome.TokensIn + outcome.TokensOut),
            SearchService.MetaOf(outcome, request.Samples ?? 0));
        return Results.Json(response, ServerJson.Default.CohereRerankResponse);
    }

    private static async Task<IResult> TeiAsync(TeiRerankRequest request, SearchService service, CancellationToken ct)
    {
        if (request.Texts is null)
        {
            throw ApiProblem.Invalid("texts: expected an array of strings, found none");
        }

        RerankOutcome outcome = await service.RerankAsync(request.Query, request.Texts, request, ct).ConfigureAwait(false);
        double scale = request.RawScores == true ? 100 : 1;
        List<TeiResult> results = [.. outcome.Candidates.Select(c => new TeiResult(c.Position, (c.Score ?? 0) * scale, request.ReturnText == true ? request.Texts[c.Position] : null))];
        return Results.Json(results, ServerJson.Default.ListTeiResult);
    }

    /// <summary>Cohere's documents: strings, or objects whose <c>text</c> is the document.</summary>
    private static List<string> TextsOf(List<JsonElement>? documents)
    {
        if (documents is null)
        {
            throw ApiProblem.Invalid("documents: expected an array of strings or {\"text\": ...} objects, found none");
        }

        var texts = new List<string>(documents.Count);
        for (int i = 0; i < documents.Count; i++)
        {
            JsonElement d = documents[i];
            texts.Add(d.ValueKind switch
            {
                JsonValueKind.String => d.GetString()!,
                JsonValueKind.Object when d.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String => t.GetString()!,
                _ => throw ApiProblem.Invalid($"documents[{i}]: expected a string or an object with a string 'text', found {d.ValueKind.ToString().ToLowerInvariant()}"),
            });
        }

        return texts;
    }
}
