namespace Lodestar.Server.Jobs;

/// <summary>What a job is asked to do: rerank a run named at start-up (<c>--run</c>) with Retro*, or run a recipe
/// named at start-up (<c>--recipe</c>) on a dataset named at start-up (<c>--beir</c>, <c>--data</c>).</summary>
public sealed record JobSpec
{
    /// <summary>The kind of job: <c>rerank</c> or <c>recipe</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The index holding the documents' text (optional when one index is loaded).</summary>
    public string? Index { get; init; }

    /// <summary>The run's name (<c>--run PATH=NAME</c>); its topics must be in <c>--topics</c>.</summary>
    public string? Run { get; init; }

    /// <summary>Hits reranked per topic (default 100).</summary>
    public int? Top { get; init; }

    /// <summary>K, samples per pair (default: the server's).</summary>
    public int? Samples { get; init; }

    /// <summary>A BRIGHT task's relevance definition (default: the server's).</summary>
    public string? Task { get; init; }

    /// <summary>Recipe jobs: the recipe's name (<c>--recipe PATH=NAME</c>).</summary>
    public string? Recipe { get; init; }

    /// <summary>Recipe jobs: the dataset's name (<c>--beir DIR=NAME</c> or <c>--data DIR=NAME</c>).</summary>
    public string? Data { get; init; }

    /// <summary>Recipe jobs on BRIGHT: the tasks, comma-separated (such as <c>biology,leetcode</c>).</summary>
    public string? Tasks { get; init; }

    /// <summary>Recipe jobs: only the first N topics of each task.</summary>
    public int? MaxTopics { get; init; }
}

/// <summary>A job's state, as stored in <c>JOBS/ID/job.json</c> and streamed as server-sent events.</summary>
public sealed record JobRecord
{
    /// <summary>The job's id.</summary>
    public required string Id { get; init; }

    /// <summary>What it does.</summary>
    public required JobSpec Spec { get; init; }

    /// <summary><c>queued</c>, <c>running</c>, <c>done</c> or <c>failed</c>. A queued or running job found at start-up is resumed.</summary>
    public string State { get; set; } = "queued";

    /// <summary>Pairs scored so far (in this attempt; pairs answered by the store count as scored).</summary>
    public int Done { get; set; }

    /// <summary>Pairs in all.</summary>
    public int Total { get; set; }

    /// <summary>Requests that failed after their retries so far.</summary>
    public int Failures { get; set; }

    /// <summary>How many times the job has been started (a restart resumes it).</summary>
    public int Attempts { get; set; }

    /// <summary>Recipe jobs: each step's outcome so far, such as <c>cranfield/index: done in 0.4 s (documents 1,400)</c>.</summary>
    public IReadOnlyList<string>? Steps { get; set; }

    /// <summary>Recipe jobs: the latest status line (a step's progress, such as the rerank's pairs scored).</summary>
    public string? Status { get; set; }

    /// <summary>Recipe jobs when done: nDCG@10 of the final run, by task.</summary>
    public IReadOnlyDictionary<string, double>? Ndcg { get; set; }

    /// <summary>The summary when done, or the cause when failed.</summary>
    public string? Message { get; set; }

    /// <summary>When it was created (UTC, ISO 8601).</summary>
    public string Created { get; init; } = DateTime.UtcNow.ToString("O");

    /// <summary>When it finished, or null.</summary>
    public string? Finished { get; set; }

    /// <summary>Whether it has stopped for good.</summary>
    public bool IsFinal => State is "done" or "failed";
}
