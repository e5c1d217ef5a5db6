using System.Text.Json;
using Lodestar.Formats;
using Lodestar.Hub;

namespace Lodestar.Datasets;

/// <summary>What a pull produced for one (config, task).</summary>
/// <param name="Config">The hub config, such as <c>examples</c> or <c>documents</c>.</param>
/// <param name="Task">The task (the hub's split).</param>
/// <param name="Output">The JSONL file written.</param>
/// <param name="Rows">Rows in it.</param>
/// <param name="Shards">The parquet files it came from: (path in the repository, SHA-256 or null, bytes).</param>
public sealed record BrightPart(string Config, string Task, string Output, long Rows, IReadOnlyList<(string Path, string? Sha256, long Bytes)> Shards);

/// <summary>
/// BRIGHT (<c>xlangai/BRIGHT</c> on the Hugging Face hub): its parquet files, one or more shards per config and task
/// (<c>documents/biology-00000-of-00001.parquet</c>), are listed with the hub's tree API, downloaded into the HF
/// cache (resumable, SHA-256-checked), and converted to <c>DIR/TASK/CONFIG.jsonl.gz</c>, which Lodestar's readers
/// take as they are: <c>examples</c> and the reasoning-query configs as topics and BRIGHT qrels, <c>documents</c> and
/// <c>long_documents</c> as corpora. <c>DIR/dataset.json</c> records the revision, the commit and every shard's hash.
/// </summary>
public static class BrightDataset
{
    /// <summary>The hub repository.</summary>
    public const string Repository = "xlangai/BRIGHT";

    /// <summary>The 12 tasks, in the paper's order.</summary>
    public static IReadOnlyList<string> Tasks { get; } =
    [
        "biology", "earth_science", "economics", "psychology", "robotics", "stackoverflow", "sustainable_living",
        "leetcode", "pony", "aops", "theoremqa_questions", "theoremqa_theorems",
    ];

    /// <summary>The default output folder: <c>$LODESTAR_DATA/bright</c>, else <c>~/.cache/lodestar/datasets/bright</c>.</summary>
    public static string DefaultFolder => Path.Combine(Environment.GetEnvironmentVariable("LODESTAR_DATA") is { Length: > 0 } d ? d
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lodestar", "datasets"), "bright");

    /// <summary>Parses <c>all</c> or a comma-separated list of tasks.</summary>
    /// <exception cref="ArgumentException">An unknown task.</exception>
    public static List<string> ParseTasks(string spec) => spec == "all" ? [.. Tasks]
        : [.. spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => Tasks.Contains(t) ? t
            : throw new ArgumentException($"unknown BRIGHT task '{t}', expected 'all' or some of: {string.Join(", ", Tasks)}"))];

    /// <summary>Pulls <paramref name="configs"/> × <paramref name="tasks"/> into <paramref name="output"/>; parts already
    /// converted from the same shards are kept.</summary>
    public static async Task<List<BrightPart>> PullAsync(HubDownloader downloader, IReadOnlyList<string> tasks, IReadOnlyList<string> configs, string revision,
        bool offline, string output, IProgress<string>? status = null, IProgress<(long Done, long Total)>? bytes = null, CancellationToken cancellationToken = default)
    {
        string[] owner = Repository.Split('/');
        var parts = new List<BrightPart>();
        string commit = revision;
        foreach (string config in configs)
        {
            var folder = new HubFile("dataset", owner[0], owner[1], config, revision);
            List<(string Path, long Size, string? Sha256)> listing = offline
                ? [.. HubCache.FilesUnder(folder).Select(f => (f.Path, new FileInfo(f.Local).Length, (string?)null))]
                : await downloader.ListAsync(folder, cancellationToken).ConfigureAwait(false);
            foreach (string task in tasks)
            {
                var shards = listing.Where(f => f.Path.EndsWith(".parquet", StringComparison.Ordinal) && Path.GetFileName(f.Path).StartsWith(task + "-", StringComparison.Ordinal))
                    .OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
                if (shards.Count == 0)
                {
                    throw new HubException($"{Repository}@{revision}: no parquet files for task '{task}' in config '{config}'" + (offline
                        ? $" in the cache {Path.Combine(HubCache.RepoFolder(folder), "snapshots")} (offline); run without --offline to download them from {HubCache.Endpoint} (set HF_ENDPOINT to use a mirror), or give --data DIR with BRIGHT on disk"
                        : $"; the hub {HubCache.Endpoint} lists: {string.Join(", ", listing.Select(f => f.Path).Take(20))}"));
                }

                var local = new List<string>();
                foreach ((string path, long size, string? sha) in shards)
                {
                    status?.Report($"{config}/{task}: {Path.GetFileName(path)}");
                    var file = new HubFile("dataset", owner[0], owner[1], path, revision);
                    local.Add(await downloader.GetAsync(file, sha, offline, bytes, cancellationToken).ConfigureAwait(false));
                    commit = HubCache.Commit(file);
                }

                string target = Path.Combine(output, task, $"{config}.jsonl.gz");
                string stamp = target + ".source";
                string source = string.Join("\n", shards.Select((s, i) => $"{s.Path} {s.Sha256 ?? Index.IndexHeader.Sha256HexOfFile(local[i])}"));
                long rows;
                if (File.Exists(target) && File.Exists(stamp) && File.ReadAllText(stamp) == source)
                {
                    rows = -1; // converted before from the same shards
                }
                else
                {
                    status?.Report($"{config}/{task}: converting");
                    rows = ParquetJsonl.Convert(local, target);
                    File.WriteAllText(stamp, source);
                }

                parts.Add(new BrightPart(config, task, target, rows, [.. shards.Select(s => (s.Path, s.Sha256, s.Size))]));
            }
        }

        WriteManifest(output, revision, commit, parts);
        return parts;
    }

    private static void WriteManifest(string output, string revision, string commit, List<BrightPart> parts)
    {
        string path = Path.Combine(output, "dataset.json");
        var entries = new Dictionary<string, object>();
        if (File.Exists(path))
        {
            using JsonDocument old = JsonDocument.Parse(File.ReadAllText(path));
            if (old.RootElement.TryGetProperty("parts", out JsonElement previous))
            {
                foreach (JsonProperty p in previous.EnumerateObject())
                {
                    entries[p.Name] = p.Value.Clone();
                }
            }
        }

        foreach (BrightPart p in parts)
        {
            entries[$"{p.Task}/{p.Config}"] = new { shards = p.Shards.Select(s => new { path = s.Path, sha256 = s.Sha256, bytes = s.Bytes }) };
        }

        AtomicFile.Write(path, s => JsonSerializer.Serialize(s, new
        {
            repository = Repository, revision, commit, created_by = "lodestar " + typeof(BrightDataset).Assembly.GetName().Version,
            parts = entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value),
        }, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The commit recorded by the last pull into <paramref name="folder"/>, or null.</summary>
    public static string? RecordedCommit(string folder)
    {
        string path = Path.Combine(folder, "dataset.json");
        if (!File.Exists(path))
        {
            return null;
        }

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("commit", out JsonElement c) ? c.GetString() : null;
    }
}
