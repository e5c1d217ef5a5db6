using System.Text.Json;
using Lodestar.Server.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Routing;

namespace Lodestar.Server.Api;

/// <summary>Jobs: start a rerank of a run or a recipe named at start-up, follow it as server-sent events, fetch its run.</summary>
internal static class JobsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/jobs", (JobSpec spec, JobManager jobs) =>
            {
                JobRecord job = jobs.Submit(spec);
                return Results.Json(job, ServerJson.Default.JobRecord, statusCode: 202);
            })
            .WithName("SubmitJob").WithTags("jobs").WithSummary("Start a rerank of a run file (--run) or a recipe (--recipe) on a dataset (--beir, --data), all named at start-up")
            .Produces<JobRecord>(202).ProducesProblem(403).ProducesProblem(404).ProducesProblem(422).ProducesProblem(503);
        app.MapGet("/v1/jobs", (JobManager jobs) => Results.Json(jobs.All.ToList(), ServerJson.Default.ListJobRecord))
            .WithName("ListJobs").WithTags("jobs").Produces<List<JobRecord>>();
        app.MapGet("/v1/jobs/{id}", (string id, JobManager jobs) => Results.Json(jobs.Get(id), ServerJson.Default.JobRecord))
            .WithName("GetJob").WithTags("jobs").Produces<JobRecord>().ProducesProblem(404);
        app.MapGet("/v1/jobs/{id}/run", (string id, string? task, JobManager jobs) =>
            {
                JobRecord job = jobs.Get(id);
                return job.State == "done" ? Results.File(jobs.RunPath(job, task), "text/plain; charset=utf-8")
                    : throw new ApiProblem(409, "Not finished", $"job '{id}' is {job.State}");
            })
            .WithName("GetJobRun").WithTags("jobs").WithSummary("The run (TREC) of a finished job: the reranked run, or a recipe's final run of ?task=NAME (optional with one task)").ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
        app.MapGet("/v1/jobs/{id}/events", EventsAsync)
            .WithName("JobEvents").WithTags("jobs").WithSummary("Progress as server-sent events (event: progress, then done or failed)")
            .DisableRequestTimeout();
    }

    /// <summary>Sends the job's state whenever it changes (checked every 200 ms) and ends with its final state.</summary>
    private static async Task EventsAsync(string id, JobManager jobs, HttpContext context, CancellationToken ct)
    {
        JobRecord job = jobs.Get(id);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        string last = "";
        while (!ct.IsCancellationRequested)
        {
            string json = JsonSerializer.Serialize(job, ServerJson.Default.JobRecord);
            bool final = job.IsFinal;
            if (json != last || final)
            {
                await context.Response.WriteAsync($"event: {(final ? job.State : "progress")}\ndata: {json}\n\n", ct).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                last = json;
            }

            if (final)
            {
                return;
            }

            await Task.Delay(200, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
