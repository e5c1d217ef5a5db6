using System.Collections.Concurrent;
using System.Text.Json;
using Lodestar.Formats;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Lodestar.Server.Api;
using Lodestar.Server.Catalog;
using Microsoft.Extensions.Hosting;

namespace Lodestar.Server.Jobs;

/// <summary>Long reranks of a run file, and recipes (<see cref="RecipeJobs"/>), run in the background. Each job's state
/// is written (atomically) to <c>JOBS/ID/job.json</c>, a rerank's result to <c>JOBS/ID/run.trec</c>, a recipe's to
/// <c>JOBS/ID/experiment</c>; a job that was queued or running when the server stopped is started again at start-up
/// and, through the judgment stores (and a recipe's experiment manifest), asks only for what it lacks.</summary>
public sealed class JobManager : IHostedService
{
    private readonly ServerOptions _options;
    private readonly SearchService _service;
    private readonly JudgmentStore? _store;
    private readonly RecipeJobs _recipes;
    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Task> _running = [];

    /// <summary>Creates the manager; nothing runs before <see cref="StartAsync"/>.</summary>
    public JobManager(ServerOptions options, SearchService service, JudgmentStore? store = null)
    {
        _options = options;
        _service = service;
        _store = store;
        _recipes = new RecipeJobs(options.RecipeJobs);
    }

    /// <summary>Whether jobs can be started (a jobs folder, an LLM or a recipe, and not read-only).</summary>
    public bool Enabled => _options.JobsPath is not null && (CanRerank || _options.RecipeJobs is not null) && !_options.ReadOnly;

    private bool CanRerank => _options.Chat is not null && _store is not null;

    /// <summary>The jobs, newest first.</summary>
    public IEnumerable<JobRecord> All => _jobs.Values.OrderByDescending(j => j.Created, StringComparer.Ordinal);

    /// <summary>A job by id.</summary>
    /// <exception cref="ApiProblem">404 for an unknown id.</exception>
    public JobRecord Get(string id) => _jobs.TryGetValue(id, out JobRecord? job) ? job : throw ApiProblem.NotFound($"unknown job '{IndexCatalog.Cut(id)}'");

    /// <summary>The path of a finished job's run file (a recipe job's final run of <paramref name="task"/>).</summary>
    /// <exception cref="ApiProblem">For a recipe job: 422 without a task when it has several, 404 for a task it lacks.</exception>
    public string RunPath(JobRecord job, string? task = null) => job.Spec.Kind == "recipe" ? RecipeJobs.RunPath(_options.JobsPath!, job, task)
        : Path.Combine(_options.JobsPath!, job.Id, "run.trec");

    /// <summary>Validates and starts a job.</summary>
    /// <exception cref="ApiProblem">403 when read-only, 503 without a jobs folder or LLM, 422/404 for bad fields.</exception>
    public JobRecord Submit(JobSpec spec)
    {
        if (_options.ReadOnly)
        {
            throw new ApiProblem(403, "Read-only", "the server is read-only (--read-only): jobs are disabled");
        }

        if (!Enabled)
        {
            throw new ApiProblem(503, "Jobs unavailable", "jobs need a jobs folder (--jobs DIR) and an LLM (--endpoint or --gguf) or a recipe (--recipe)");
        }

        if (spec.Kind is not ("rerank" or "recipe"))
        {
            throw ApiProblem.Invalid($"kind: expected rerank or recipe, found '{IndexCatalog.Cut(spec.Kind ?? "")}'");
        }

        if (spec.Kind == "recipe")
        {
            _recipes.Validate(spec);
            return Start(new JobRecord { Id = NewId(), Spec = spec });
        }

        if (!CanRerank)
        {
            throw new ApiProblem(503, "Jobs unavailable", "rerank jobs need an LLM (--endpoint or --gguf)");
        }

        _service.Indexes.Get(spec.Index);
        RunPathOf(spec);
        if (spec.Top is < 1 || spec.Top > _service.Limits.MaxRerankTop)
        {
            throw ApiProblem.Limit("top", _service.Limits.MaxRerankTop, spec.Top ?? 0);
        }

        if (spec.Samples is < 1 || spec.Samples > _service.Limits.MaxSamples)
        {
            throw ApiProblem.Limit("samples", _service.Limits.MaxSamples, spec.Samples ?? 0);
        }

        return Start(new JobRecord { Id = NewId(), Spec = spec });
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];

    private JobRecord Start(JobRecord job)
    {
        _jobs[job.Id] = job;
        Save(job);
        Launch(job);
        return job;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.JobsPath is null)
        {
            return Task.CompletedTask;
        }

        Directory.CreateDirectory(_options.JobsPath);
        foreach (string file in Directory.EnumerateFiles(_options.JobsPath, "job.json", SearchOption.AllDirectories))
        {
            JobRecord? job = JsonSerializer.Deserialize(File.ReadAllText(file), ServerJson.Default.JobRecord);
            if (job is null)
            {
                continue;
            }

            _jobs[job.Id] = job;
            if (!job.IsFinal && Enabled)
            {
                Launch(job); // resumed: the store answers what was already paid for
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Running jobs stop dispatching; their samples are stored and their state stays "running", so the next
        // start resumes them.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private string RunPathOf(JobSpec spec) =>
        _options.Runs.FirstOrDefault(r => r.Name == spec.Run).Path
            ?? throw ApiProblem.NotFound($"unknown run '{IndexCatalog.Cut(spec.Run ?? "")}', expected one of: {string.Join(", ", _options.Runs.Select(r => r.Name))}");

    private void Launch(JobRecord job) => _running.Add(Task.Run(() => RunAsync(job, _stopping.Token)));

    private async Task RunAsync(JobRecord job, CancellationToken ct)
    {
        job.Attempts++;
        job.State = "running";
        Save(job);
        try
        {
            if (job.Spec.Kind == "recipe")
            {
                await _recipes.RunAsync(job, _options.JobsPath!, Save, ct).ConfigureAwait(false);
            }
            else
            {
                await RerankAsync(job, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Save(job); // stays running: resumed at the next start
            return;
        }
        catch (Exception e)
        {
            // Any other cause ends the job, so that none stays "running" for ever.
            job.State = "failed";
            job.Message = e.Message;
        }

        job.Finished = DateTime.UtcNow.ToString("O");
        Save(job);
    }

    private async Task RerankAsync(JobRecord job, CancellationToken ct)
    {
        if (!CanRerank)
        {
            throw new ApiProblem(503, "Jobs unavailable", "the server was started without an LLM (--endpoint or --gguf): rerank jobs cannot resume");
        }

        LoadedIndex index = _service.Indexes.Get(job.Spec.Index);
        Run firstStage = TrecRunFormat.Read(RunPathOf(job.Spec));
        var topics = _service.Topics.Where(t => firstStage.Contains(t.Id)).ToList();
        if (topics.Count == 0)
        {
            throw ApiProblem.Invalid($"run '{job.Spec.Run}': none of its topics is in --topics");
        }

        RerankOptions options = _options.Rerank with
        {
            Top = job.Spec.Top ?? 100,
            Samples = job.Spec.Samples ?? _options.Rerank.Samples,
            Definition = job.Spec.Task is null ? _options.Rerank.Definition : RelevanceDefinition.ForTask(job.Spec.Task),
        };
        DateTime lastSave = DateTime.UtcNow;
        var progress = new SyncProgress(p =>
        {
            (job.Done, job.Total, job.Failures) = (p.Done, p.Total, p.Failures);
            if (DateTime.UtcNow - lastSave > TimeSpan.FromSeconds(1))
            {
                lastSave = DateTime.UtcNow;
                Save(job);
            }
        });
        (Run run, RerankSummary summary) = await new RetroStarReranker(_options.Chat!, _store!, options)
            .RerankAsync(topics, firstStage, index.TextOf, progress, ct).ConfigureAwait(false);
        TrecRunFormat.Write(RunPath(job), run);
        (job.Done, job.Total, job.Failures) = (summary.Pairs, summary.Pairs, summary.Failures.Values.Sum());
        job.State = summary.Failures.Count > 0 && summary.Unscored == summary.Pairs ? "failed" : "done";
        job.Message = $"{summary.Pairs} pairs of {summary.Topics} topics: {summary.Requested} samples asked, {summary.Reused} from the store, " +
            $"{summary.Unparseable} unparseable, failures {(summary.Failures.Count == 0 ? "none" : string.Join(", ", summary.Failures.Select(f => $"{f.Key} {f.Value}")))}, {summary.Unscored} unscored";
    }

    /// <summary>Reports on the reporting thread, so no late report can follow the final state.</summary>
    private sealed class SyncProgress(Action<RetroStarReranker.Progress> report) : IProgress<RetroStarReranker.Progress>
    {
        public void Report(RetroStarReranker.Progress value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }

    private void Save(JobRecord job)
    {
        string dir = Path.Combine(_options.JobsPath!, job.Id);
        Directory.CreateDirectory(dir);
        lock (job)
        {
            AtomicFile.Write(Path.Combine(dir, "job.json"), s => JsonSerializer.Serialize(s, job, ServerJson.Default.JobRecord));
        }
    }
}
