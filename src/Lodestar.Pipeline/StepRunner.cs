using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Lodestar.Pipeline;

/// <summary>
/// Runs the steps of an experiment against its <see cref="ExperimentManifest"/>: a step whose key (SHA-256 of its
/// parameters and of its inputs' checksums) and outputs are unchanged since it finished is reused, not run.
/// </summary>
/// <remarks>
/// Paths are recorded relative to the experiment folder, or as <c>data:…</c> relative to the data folder, so an
/// experiment can be moved with its data. The manifest is rewritten (atomically) after every finished step, so a
/// kill loses at most the step that was running.
/// </remarks>
/// <param name="experiment">The experiment folder.</param>
/// <param name="data">The data folder (for <c>data:</c> paths).</param>
/// <param name="manifest">The experiment's manifest, loaded.</param>
/// <param name="force">Steps to redo even when finished: a step name, or its kind (the part before <c>:</c>).</param>
public sealed class StepRunner(string experiment, string data, ExperimentManifest manifest, IReadOnlySet<string> force)
{
    /// <summary>The manifest the steps are recorded in.</summary>
    public ExperimentManifest Manifest => manifest;

    /// <summary>Runs <paramref name="work"/> as step <paramref name="step"/> of <paramref name="task"/> unless it is finished.</summary>
    /// <param name="task">The task (a manifest section).</param>
    /// <param name="step">The step's name, such as <c>index</c> or <c>rerank:retro</c>.</param>
    /// <param name="parameters">Everything besides the inputs that decides the output.</param>
    /// <param name="inputs">Files or index folders read (those that exist are checksummed into the key).</param>
    /// <param name="outputs">Files or index folders written.</param>
    /// <param name="work">The step; returns the figures it reports.</param>
    /// <param name="cancellationToken">Checked before the step starts.</param>
    public async Task<StepOutcome> RunAsync(string task, string step, string parameters, IEnumerable<string> inputs, IEnumerable<string> outputs,
        Func<Task<Dictionary<string, double>>> work, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var inputSums = inputs.Distinct().Where(i => File.Exists(i) || Directory.Exists(i)).ToDictionary(Relative, ExperimentManifest.Checksum);
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(parameters + "\n" + string.Join("\n",
            inputSums.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")))));
        Dictionary<string, StepRecord> steps = manifest.Tasks.TryGetValue(task, out Dictionary<string, StepRecord>? s) ? s : manifest.Tasks[task] = [];
        bool forced = force.Contains(step) || force.Contains(step.Split(':')[0]);
        if (!forced && steps.TryGetValue(step, out StepRecord? done) && done.Key == key && Intact(done))
        {
            return new StepOutcome(task, step, true, done.Seconds, done.Figures);
        }

        var clock = Stopwatch.StartNew();
        Dictionary<string, double> figures = await work().ConfigureAwait(false);
        steps[step] = new StepRecord
        {
            Key = key,
            Inputs = inputSums,
            Outputs = outputs.Distinct().ToDictionary(Relative, ExperimentManifest.Checksum),
            Seconds = clock.Elapsed.TotalSeconds,
            Finished = DateTime.UtcNow.ToString("O"),
            Figures = figures,
        };
        manifest.Save(experiment);
        return new StepOutcome(task, step, false, clock.Elapsed.TotalSeconds, figures);
    }

    private bool Intact(StepRecord record) => record.Outputs.All(o =>
    {
        string path = Absolute(o.Key);
        return (File.Exists(path) || Directory.Exists(path)) && ExperimentManifest.Checksum(path) == o.Value;
    });

    private string Relative(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetFullPath(experiment);
        string dataRoot = Path.GetFullPath(data);
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetRelativePath(root, full).Replace('\\', '/')
            : full.StartsWith(dataRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? "data:" + Path.GetRelativePath(dataRoot, full).Replace('\\', '/')
            : full;
    }

    private string Absolute(string relative) => relative.StartsWith("data:", StringComparison.Ordinal) ? Path.Combine(data, relative[5..])
        : Path.IsPathRooted(relative) ? relative : Path.Combine(experiment, relative);
}
