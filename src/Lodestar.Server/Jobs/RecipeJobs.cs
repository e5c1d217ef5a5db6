using System.Globalization;
using Lodestar.Datasets;
using Lodestar.Hub;
using Lodestar.Pipeline;
using Lodestar.Pipeline.Recipes;
using Lodestar.Server.Api;
using Lodestar.Server.Catalog;

namespace Lodestar.Server.Jobs;

/// <summary>
/// Recipe jobs: a recipe named at start-up run by <see cref="RecipeRunner"/> on a dataset named at start-up, in the
/// job's folder <c>JOBS/ID/experiment</c>. Each step's outcome and the latest status line go into the job's record
/// (so its server-sent events show them); a job resumed after a restart reuses every finished step through the
/// experiment manifest and every stored LLM answer through the recipe's judgment stores.
/// </summary>
internal sealed class RecipeJobs(RecipeJobOptions? options)
{
    /// <summary>The most topics per task a job may limit itself to (a declared bound, not a cost limit).</summary>
    public const int MaxTopicsLimit = 1_000_000;

    /// <summary>The experiment folder of a recipe job.</summary>
    public static string Experiment(string jobs, JobRecord job) => Path.Combine(jobs, job.Id, "experiment");

    /// <summary>Checks a recipe job's fields against what was named at start-up.</summary>
    /// <exception cref="ApiProblem">503 without recipes, 404 for an unknown recipe or dataset, 422 for bad fields.</exception>
    public void Validate(JobSpec spec)
    {
        RecipeJobOptions o = options ?? throw new ApiProblem(503, "Jobs unavailable", "recipe jobs need a recipe (--recipe) and a dataset (--beir or --data)");
        RecipeOf(o, spec);
        RecipeDataset data = DataOf(o, spec);
        if (spec.MaxTopics is < 1 or > MaxTopicsLimit)
        {
            throw ApiProblem.Invalid($"max_topics: expected 1 to {MaxTopicsLimit}, found {spec.MaxTopics}");
        }

        if (data.Beir && spec.Tasks is not null)
        {
            throw ApiProblem.Invalid($"tasks: '{data.Name}' is a BEIR folder (one task); tasks are for BRIGHT data (--data)");
        }

        TasksOf(data, spec);
    }

    /// <summary>Runs (or resumes) a recipe job; sets its steps, status, nDCG@10 by task, state and message.</summary>
    public async Task RunAsync(JobRecord job, string jobs, Action<JobRecord> save, CancellationToken ct)
    {
        RecipeJobOptions o = options ?? throw new ApiProblem(503, "Jobs unavailable", "the server was started without --recipe: recipe jobs cannot resume");
        Recipe recipe = RecipeOf(o, job.Spec);
        RecipeDataset data = DataOf(o, job.Spec);
        var run = new RecipeRunOptions
        {
            Recipe = recipe,
            Tasks = TasksOf(data, job.Spec),
            Data = data.Path,
            Beir = data.Beir ? data.Path : null,
            Offline = true, // a request never makes the server download: BRIGHT must be on disk
            MaxTopics = job.Spec.MaxTopics,
            Endpoint = o.Endpoint,
            Model = o.Model,
            EmbedEndpoint = o.EmbedEndpoint,
            OpenChat = o.OpenChat,
            OpenEmbedder = o.OpenEmbedder,
            MaxNewTokens = o.MaxNewTokens,
            Recorded = new Dictionary<string, string>
            {
                ["job"] = job.Id, ["recipe"] = job.Spec.Recipe!, ["data"] = data.Name, ["tasks"] = job.Spec.Tasks ?? "",
                ["max_topics"] = job.Spec.MaxTopics?.ToString(CultureInfo.InvariantCulture) ?? "all",
            },
        };
        job.Steps = [];
        DateTime lastSave = DateTime.UtcNow;
        void Saved(Action change)
        {
            lock (job)
            {
                change();
                if (DateTime.UtcNow - lastSave > TimeSpan.FromSeconds(1))
                {
                    lastSave = DateTime.UtcNow;
                    save(job);
                }
            }
        }

        // Lists are replaced, never changed in place, so a reader serializing the record never sees one change.
        var steps = new Reporter<StepOutcome>(s => Saved(() => (job.Steps, job.Done) = ([.. job.Steps, Describe(s)], job.Done + 1)));
        var status = new Reporter<string>(line => Saved(() => job.Status = line));
        using var downloader = new HubDownloader();
        List<StepOutcome> outcomes = await new RecipeRunner(Experiment(jobs, job), run, downloader).RunAsync(steps, status, ct).ConfigureAwait(false);
        var ndcg = outcomes.Where(s => s.Step == "eval").ToDictionary(s => s.Task, s => s.Figures["ndcg_cut_10"], StringComparer.Ordinal);
        job.Ndcg = ndcg;
        job.State = "done";
        job.Message = $"recipe {recipe.Name} on {data.Name}: {outcomes.Count} steps ({outcomes.Count(s => s.Reused)} reused); nDCG@10 "
            + string.Join(", ", ndcg.Select(n => string.Create(CultureInfo.InvariantCulture, $"{n.Key} {n.Value:F5}")));
    }

    /// <summary>The final run of a finished recipe job's task (the only task when none is given).</summary>
    /// <exception cref="ApiProblem">422 when the job has several tasks and none is given; 404 for a task it lacks.</exception>
    public static string RunPath(string jobs, JobRecord job, string? task)
    {
        IReadOnlyCollection<string> tasks = job.Ndcg?.Keys.ToList() ?? [];
        if (task is null)
        {
            task = tasks.Count == 1 ? tasks.First() : throw ApiProblem.Invalid($"task: expected one of {string.Join(", ", tasks)} (?task=NAME)");
        }
        else if (!tasks.Contains(task))
        {
            throw ApiProblem.NotFound($"job '{job.Id}' has no task '{IndexCatalog.Cut(task)}', expected one of: {string.Join(", ", tasks)}");
        }

        return Path.Combine(Experiment(jobs, job), task, "run.trec");
    }

    /// <summary>A step's outcome as the CLI prints it.</summary>
    internal static string Describe(StepOutcome o)
    {
        string figures = string.Join(", ", o.Figures.Select(f => $"{f.Key} {f.Value.ToString(f.Value == Math.Floor(f.Value) ? "N0" : "F4", CultureInfo.InvariantCulture)}"));
        return $"{o.Task}/{o.Step}: {(o.Reused ? "finished before, reused" : $"done in {o.Seconds.ToString("F1", CultureInfo.InvariantCulture)} s")}{(figures.Length > 0 ? $" ({figures})" : "")}";
    }

    private static Recipe RecipeOf(RecipeJobOptions o, JobSpec spec) =>
        o.Recipes.FirstOrDefault(r => r.Name == spec.Recipe).Recipe
            ?? throw ApiProblem.NotFound($"unknown recipe '{IndexCatalog.Cut(spec.Recipe ?? "")}', expected one of: {string.Join(", ", o.Recipes.Select(r => r.Name))}");

    private static RecipeDataset DataOf(RecipeJobOptions o, JobSpec spec) =>
        o.Datasets.FirstOrDefault(d => d.Name == spec.Data)
            ?? throw ApiProblem.NotFound($"unknown data '{IndexCatalog.Cut(spec.Data ?? "")}', expected one of: {string.Join(", ", o.Datasets.Select(d => d.Name))}");

    private static IReadOnlyList<string> TasksOf(RecipeDataset data, JobSpec spec)
    {
        if (data.Beir)
        {
            return [];
        }

        try
        {
            return BrightDataset.ParseTasks(spec.Tasks ?? throw ApiProblem.Invalid($"tasks: '{data.Name}' is BRIGHT data: give tasks, such as \"biology,leetcode\""));
        }
        catch (ArgumentException e)
        {
            throw ApiProblem.Invalid("tasks: " + e.Message);
        }
    }

    /// <summary>Reports on the reporting thread.</summary>
    private sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
