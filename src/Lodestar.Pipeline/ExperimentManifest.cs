using System.Text.Json;
using Lodestar.Formats;

namespace Lodestar.Pipeline;

/// <summary>One finished step of one task: what went in and came out (SHA-256), its parameters and its time.</summary>
public sealed record StepRecord
{
    /// <summary>SHA-256 of the step's parameters and input checksums: the step is redone when it changes.</summary>
    public required string Key { get; init; }

    /// <summary>Inputs by name: SHA-256.</summary>
    public required Dictionary<string, string> Inputs { get; init; }

    /// <summary>Outputs by path relative to the experiment: SHA-256 (of the header, for index folders).</summary>
    public required Dictionary<string, string> Outputs { get; init; }

    /// <summary>Wall time.</summary>
    public double Seconds { get; init; }

    /// <summary>When it finished (UTC, ISO 8601).</summary>
    public required string Finished { get; init; }

    /// <summary>Figures the step reports (documents, topics, pairs, nDCG@10, …).</summary>
    public Dictionary<string, double> Figures { get; init; } = [];
}

/// <summary>The recipe of an experiment as it was run: its name, file, SHA-256 and text.</summary>
public sealed record RecipeRecord
{
    /// <summary>The recipe's name.</summary>
    public required string Name { get; init; }

    /// <summary>The file (absolute path when run).</summary>
    public required string Path { get; init; }

    /// <summary>SHA-256 of the file's bytes.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The file's text.</summary>
    public required string Text { get; init; }
}

/// <summary>
/// <c>manifest.json</c> of an experiment: tool version, parameters, dataset revision and commit, and every finished
/// step per task. Rewritten atomically after each step, so a kill loses at most the step that was running.
/// </summary>
public sealed class ExperimentManifest
{
    /// <summary>The tool that ran it.</summary>
    public string Tool { get; set; } = "lodestar " + typeof(ExperimentManifest).Assembly.GetName().Version;

    /// <summary>When the experiment was first run.</summary>
    public string Created { get; set; } = DateTime.UtcNow.ToString("O");

    /// <summary>The run's parameters as given.</summary>
    public Dictionary<string, string> Parameters { get; set; } = [];

    /// <summary>Dataset repository, revision asked for, and the commit it resolved to.</summary>
    public Dictionary<string, string> Dataset { get; set; } = [];

    /// <summary>The recipe the experiment ran (<c>bright run --recipe</c>), or null.</summary>
    public RecipeRecord? Recipe { get; set; }

    /// <summary>Task → step → record.</summary>
    public Dictionary<string, Dictionary<string, StepRecord>> Tasks { get; set; } = [];

    /// <summary>Reads <c>manifest.json</c> from <paramref name="folder"/>, or a new manifest.</summary>
    public static ExperimentManifest Load(string folder)
    {
        string path = Path.Combine(folder, "manifest.json");
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), ExperimentManifestJson.Default.ExperimentManifest) ?? new() : new();
    }

    /// <summary>Writes it atomically.</summary>
    public void Save(string folder) => AtomicFile.Write(Path.Combine(folder, "manifest.json"), s => JsonSerializer.Serialize(s, this, ExperimentManifestJson.Default.ExperimentManifest));

    /// <summary>SHA-256 of a file, or of an index folder's header (which holds the checksums of the rest).</summary>
    public static string Checksum(string path)
    {
        string file = Directory.Exists(path)
            ? new[] { "lodestar-index.json", "lodestar-vectors.json" }.Select(h => Path.Combine(path, h)).FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException($"{path}: no index header")
            : path;
        return Index.IndexHeader.Sha256HexOfFile(file);
    }
}
