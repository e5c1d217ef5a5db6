using System.Text.Json.Serialization;
using Lodestar.Server.Experiments;
using Microsoft.AspNetCore.Mvc;

namespace Lodestar.Server.Api;

/// <summary>Source-generated JSON for every request and response: snake_case as Cohere, TEI and vLLM write it.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CohereRerankRequest))]
[JsonSerializable(typeof(CohereRerankResponse))]
[JsonSerializable(typeof(TeiRerankRequest))]
[JsonSerializable(typeof(List<TeiResult>))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(DocumentResponse))]
[JsonSerializable(typeof(InfoResponse))]
[JsonSerializable(typeof(ExperimentView))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(Jobs.JobSpec))]
[JsonSerializable(typeof(Jobs.JobRecord))]
[JsonSerializable(typeof(List<Jobs.JobRecord>))]
public sealed partial class ServerJson : JsonSerializerContext;
