using Lodestar.Server.Experiments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lodestar.Server.Api;

/// <summary>Search, documents, what is loaded, and experiments.</summary>
internal static class SearchApi
{
    public static void Map(IEndpointRouteBuilder app, ServerOptions options)
    {
        app.MapPost("/v1/search", async (SearchRequest request, SearchService service, CancellationToken ct) =>
                Results.Json(await service.SearchAsync(request, ct).ConfigureAwait(false), ServerJson.Default.SearchResponse))
            .WithName("Search").WithTags("search").WithSummary("BM25, dense or hybrid search, optionally reranked, optionally explained")
            .Produces<SearchResponse>().ProducesProblem(404).ProducesProblem(422).ProducesProblem(502).ProducesProblem(503);
        app.MapGet("/v1/documents/{index}/{**id}", (string index, string id, SearchService service) =>
                Results.Json(service.Document(index, id), ServerJson.Default.DocumentResponse))
            .WithName("GetDocument").WithTags("search").WithSummary("A stored document by index name and id")
            .Produces<DocumentResponse>().ProducesProblem(404);
        app.MapGet("/v1/info", (SearchService service, ExperimentCatalog experiments) => Results.Json(new InfoResponse(
                [.. service.Indexes.All.Select(i => new IndexInfo(i.Name, i.Reader.DocumentCount, i.Reader.Header.Analyzer, i.Vectors is not null))],
                [.. service.Rerankers.Names], (service.Rerankers.Default as Reranking.RetroStarMethod)?.Model,
                [.. service.Topics.Select(t => new TopicInfo(t.Id, t.Text))], service.HasQrels, experiments.Names), ServerJson.Default.InfoResponse))
            .WithName("Info").WithTags("search").WithSummary("Loaded indexes, methods, topics and experiments").Produces<InfoResponse>();
        app.MapGet("/v1/experiments/{name}", (string name, ExperimentCatalog experiments) => Results.Json(experiments.Load(name), ServerJson.Default.ExperimentView))
            .WithName("GetExperiment").WithTags("experiments").WithSummary("An experiment's measures and step figures per task")
            .Produces<ExperimentView>().ProducesProblem(404);
    }
}
