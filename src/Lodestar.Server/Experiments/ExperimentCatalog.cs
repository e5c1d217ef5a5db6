using System.Globalization;
using Lodestar.Pipeline;
using Lodestar.Server.Api;

namespace Lodestar.Server.Experiments;

/// <summary>One task of an experiment: the final run's measures (<c>TASK/eval.tsv</c>) and each step's figures.</summary>
/// <param name="Task">The task.</param>
/// <param name="Measures">trec_eval measure id → value.</param>
/// <param name="Steps">Step → its figures (documents, pairs, nDCG@10, …) from the manifest.</param>
public sealed record ExperimentTask(string Task, Dictionary<string, double> Measures, Dictionary<string, Dictionary<string, double>> Steps);

/// <summary>An experiment folder as the page shows it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Parameters">The run's parameters from the manifest.</param>
/// <param name="Tasks">Its tasks, in name order.</param>
public sealed record ExperimentView(string Name, Dictionary<string, string> Parameters, List<ExperimentTask> Tasks);

/// <summary>The experiment folders (of <c>lodestar bright run</c>) named at start-up; read afresh on each request, so
/// a running experiment's new steps appear.</summary>
/// <param name="folders">Name → folder.</param>
public sealed class ExperimentCatalog(IReadOnlyList<(string Name, string Path)> folders)
{
    /// <summary>The names.</summary>
    public List<string> Names { get; } = [.. folders.Select(f => f.Name)];

    /// <summary>Reads an experiment.</summary>
    /// <exception cref="ApiProblem">404 for an unknown name.</exception>
    public ExperimentView Load(string name)
    {
        string folder = folders.FirstOrDefault(f => f.Name == name).Path
            ?? throw ApiProblem.NotFound($"unknown experiment '{Catalog.IndexCatalog.Cut(name)}', expected one of: {string.Join(", ", Names)}");
        ExperimentManifest manifest = ExperimentManifest.Load(folder);
        var tasks = new List<ExperimentTask>();
        foreach (string task in manifest.Tasks.Keys.Order(StringComparer.Ordinal))
        {
            var measures = new Dictionary<string, double>(StringComparer.Ordinal);
            string eval = Path.Combine(folder, task, "eval.tsv");
            if (File.Exists(eval))
            {
                foreach (string line in File.ReadLines(eval))
                {
                    string[] f = line.Split('\t');
                    if (f.Length == 2 && double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    {
                        measures[f[0]] = v;
                    }
                }
            }

            tasks.Add(new ExperimentTask(task, measures, manifest.Tasks[task].ToDictionary(s => s.Key, s => s.Value.Figures, StringComparer.Ordinal)));
        }

        return new ExperimentView(name, manifest.Parameters, tasks);
    }
}
