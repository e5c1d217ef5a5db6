using Lodestar.Hub;

namespace Lodestar.Datasets;

/// <summary>
/// BRIGHT already on disk, so that a user with a copy never needs the hub: in a data folder, per task and config,
/// either the converted <c>TASK/CONFIG.jsonl.gz</c> (or plain <c>.jsonl</c>), or the hub's parquet shards anywhere
/// below the folder, in a folder named after the config (<c>…/documents/biology-00000-of-00001.parquet</c>, the layout
/// of the hub, of its cache snapshots and of a <c>git clone</c> of the dataset). Shards are converted once, beside the
/// JSONL the pipeline reads, and again only when they change.
/// </summary>
public static class BrightLocal
{
    /// <summary>The JSONL of a task and config in <paramref name="data"/>: the <c>.jsonl.gz</c> or <c>.jsonl</c> that exists,
    /// else the <c>.jsonl.gz</c> a conversion writes.</summary>
    public static string File(string data, string task, string config)
    {
        string gz = Path.Combine(data, task, $"{config}.jsonl.gz"), plain = Path.Combine(data, task, $"{config}.jsonl");
        return !System.IO.File.Exists(gz) && System.IO.File.Exists(plain) ? plain : gz;
    }

    /// <summary>The parquet shards of a task and config anywhere below <paramref name="data"/>, in name order.</summary>
    public static List<string> Shards(string data, string task, string config) => !Directory.Exists(data) ? []
        : [.. Directory.EnumerateFiles(data, "*.parquet", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == config && Path.GetFileName(f).StartsWith(task + "-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    /// <summary>Makes every config of <paramref name="task"/> readable from <paramref name="data"/> without the hub:
    /// converted JSONL is taken as it is, parquet shards are converted (unless converted before from the same shards).</summary>
    /// <returns>The configs found neither way; empty when the task needs nothing from the hub.</returns>
    /// <exception cref="Errors.InputException">A shard cannot be read.</exception>
    public static List<string> Prepare(string data, string task, IReadOnlyList<string> configs, IProgress<string>? status = null)
    {
        var missing = new List<string>();
        foreach (string config in configs)
        {
            string target = File(data, task, config);
            List<string> shards = Shards(data, task, config);
            if (shards.Count == 0)
            {
                if (!System.IO.File.Exists(target))
                {
                    missing.Add(config);
                }

                continue;
            }

            string stamp = target + ".source";
            string source = string.Join("\n", shards.Select(s => $"{Path.GetRelativePath(data, s)} {Index.IndexHeader.Sha256HexOfFile(s)}"));
            if (!(System.IO.File.Exists(target) && System.IO.File.Exists(stamp) && System.IO.File.ReadAllText(stamp) == source))
            {
                status?.Report($"{config}/{task}: converting {shards.Count} local shard(s)");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                ParquetJsonl.Convert(shards, target);
                System.IO.File.WriteAllText(stamp, source);
            }
        }

        return missing;
    }

    /// <summary>What to do when neither the data folder nor the hub cache has a part: the message names both places
    /// and the ways out (a mirror through <c>HF_ENDPOINT</c>, or a copy given with <c>--data</c>).</summary>
    public static string MissingHelp(string data, string task, IReadOnlyList<string> missing) =>
        $"BRIGHT task '{task}' ({string.Join(", ", missing)}) is neither in the data folder {Path.GetFullPath(data)} " +
        $"(TASK/CONFIG.jsonl[.gz], or parquet shards CONFIG/{task}-*.parquet anywhere below it) nor in the hub cache " +
        $"{HubCache.RepoFolder(new HubFile("dataset", "xlangai", "BRIGHT", "", "main"))}; run without --offline to download it " +
        $"from {HubCache.Endpoint} (set HF_ENDPOINT to use a mirror), or give --data DIR with a copy";
}
