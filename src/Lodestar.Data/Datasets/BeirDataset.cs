using System.IO.Compression;
using Lodestar.Hub;

namespace Lodestar.Datasets;

/// <summary>
/// BEIR datasets: the published zip archives (<c>BASE/NAME.zip</c>, by default the UKP server BEIR's own code uses),
/// downloaded resumably into <c>~/.cache/lodestar/beir</c> and unpacked to <c>DIR/NAME/</c> (corpus.jsonl,
/// queries.jsonl, qrels/*.tsv), through a temporary folder renamed at the end.
/// </summary>
public static class BeirDataset
{
    /// <summary>Where BEIR's scripts download from.</summary>
    public const string DefaultBaseUrl = "https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/";

    /// <summary>Pulls <paramref name="name"/> into <paramref name="output"/>/NAME; returns that folder.</summary>
    /// <param name="downloader">The downloader.</param>
    /// <param name="name">The dataset, such as <c>scifact</c>.</param>
    /// <param name="baseUrl">Where the zips are.</param>
    /// <param name="output">The folder that receives NAME/.</param>
    /// <param name="cache">Where the zips are kept (default <c>~/.cache/lodestar/beir</c>).</param>
    /// <param name="bytes">Download progress.</param>
    /// <param name="cancellationToken">Stops; a partial download resumes next time.</param>
    public static async Task<string> PullAsync(HubDownloader downloader, string name, string baseUrl, string output, string? cache = null,
        IProgress<(long Done, long Total)>? bytes = null, CancellationToken cancellationToken = default)
    {
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"'{name}' is not a BEIR dataset name");
        }

        string target = Path.Combine(output, name);
        if (File.Exists(Path.Combine(target, "corpus.jsonl")))
        {
            return target;
        }

        cache ??= Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lodestar", "beir");
        string zip = await downloader.GetUrlAsync(new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), name + ".zip"), Path.Combine(cache, name + ".zip"),
            progress: bytes, cancellationToken: cancellationToken).ConfigureAwait(false);
        string temp = $"{target}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        try
        {
            ZipFile.ExtractToDirectory(zip, temp);
        }
        catch (InvalidDataException e)
        {
            File.Delete(zip);
            throw new HubException($"{zip}: not a valid zip archive ({e.Message}); removed, pull again", e);
        }

        // The archives hold one folder NAME/; accept a flat archive too.
        string inner = Directory.Exists(Path.Combine(temp, name)) ? Path.Combine(temp, name) : temp;
        if (!File.Exists(Path.Combine(inner, "corpus.jsonl")))
        {
            Directory.Delete(temp, recursive: true);
            throw new HubException($"{zip}: expected {name}/corpus.jsonl in the archive");
        }

        Directory.CreateDirectory(output);
        Directory.Move(inner, target);
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        return target;
    }
}
