namespace Lodestar.Hub;

/// <summary>
/// The Hugging Face hub cache layout, shared with <c>huggingface_hub</c> so that files either tool downloaded are
/// found by the other: <c>$HF_HUB_CACHE</c> (default <c>$HF_HOME/hub</c>, default <c>~/.cache/huggingface/hub</c>),
/// then <c>models--OWNER--REPO</c> (or <c>datasets--…</c>) with <c>blobs/SHA</c>, <c>snapshots/COMMIT/FILE</c> and
/// <c>refs/REVISION</c>.
/// </summary>
public static class HubCache
{
    /// <summary>The hub cache folder.</summary>
    public static string Root =>
        Environment.GetEnvironmentVariable("HF_HUB_CACHE") is { Length: > 0 } hub ? hub
        : Path.Combine(Environment.GetEnvironmentVariable("HF_HOME") is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface"), "hub");

    /// <summary>The hub's base URL: <c>$HF_ENDPOINT</c> or https://huggingface.co.</summary>
    public static Uri Endpoint => new((Environment.GetEnvironmentVariable("HF_ENDPOINT") is { Length: > 0 } e ? e : "https://huggingface.co").TrimEnd('/') + "/");

    /// <summary>The folder of one repository.</summary>
    public static string RepoFolder(HubFile file) => Path.Combine(Root, $"{file.Kind}s--{file.Owner}--{file.Repo}");

    /// <summary>The cached copy of a file at a revision (branch, tag or commit), or null.</summary>
    public static string? Find(HubFile file)
    {
        string repo = RepoFolder(file);
        string? commit = File.Exists(Path.Combine(repo, "refs", file.Revision)) ? File.ReadAllText(Path.Combine(repo, "refs", file.Revision)).Trim() : file.Revision;
        string path = Path.Combine(repo, "snapshots", commit, file.Path);
        return File.Exists(path) ? path : null;
    }

    /// <summary>The cached files under a folder of a repository at a revision: (path in the repository, local path).</summary>
    public static List<(string Path, string Local)> FilesUnder(HubFile folder)
    {
        string repo = RepoFolder(folder);
        string commit = File.Exists(Path.Combine(repo, "refs", folder.Revision)) ? File.ReadAllText(Path.Combine(repo, "refs", folder.Revision)).Trim() : folder.Revision;
        string snapshot = Path.Combine(repo, "snapshots", commit);
        string dir = Path.Combine(snapshot, folder.Path);
        return Directory.Exists(dir)
            ? [.. Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => (Path.GetRelativePath(snapshot, f).Replace('\\', '/'), f))]
            : [];
    }

    /// <summary>The commit a revision resolved to when it was last downloaded, or the revision itself.</summary>
    public static string Commit(HubFile file)
    {
        string refPath = Path.Combine(RepoFolder(file), "refs", file.Revision);
        return File.Exists(refPath) ? File.ReadAllText(refPath).Trim() : file.Revision;
    }

    /// <summary>Every cached file: (reference, path, bytes).</summary>
    public static IEnumerable<(string Reference, string Path, long Bytes)> List()
    {
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (string repo in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            string[] parts = Path.GetFileName(repo).Split("--");
            string snapshots = Path.Combine(repo, "snapshots");
            if (parts.Length != 3 || !Directory.Exists(snapshots))
            {
                continue;
            }

            foreach (string snapshot in Directory.EnumerateDirectories(snapshots))
            {
                foreach (string f in Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    string relative = Path.GetRelativePath(snapshot, f).Replace('\\', '/');
                    string prefix = parts[0] == "datasets" ? "hf-dataset:" : "hf:";
                    yield return ($"{prefix}{parts[1]}/{parts[2]}/{relative}@{Path.GetFileName(snapshot)[..Math.Min(12, Path.GetFileName(snapshot).Length)]}",
                        f, new FileInfo(f).Length);
                }
            }
        }
    }
}

/// <summary>A file in a hub repository: <c>hf:OWNER/REPO/PATH[@REVISION]</c> (models) or <c>hf-dataset:…</c>.</summary>
/// <param name="Kind"><c>model</c> or <c>dataset</c>.</param>
/// <param name="Owner">The owner.</param>
/// <param name="Repo">The repository.</param>
/// <param name="Path">The file's path in the repository.</param>
/// <param name="Revision">Branch, tag or commit; <c>main</c> by default.</param>
public sealed record HubFile(string Kind, string Owner, string Repo, string Path, string Revision = "main")
{
    /// <summary>Parses a reference, or returns null when <paramref name="spec"/> is not one.</summary>
    /// <exception cref="ArgumentException">It starts like one but is malformed.</exception>
    public static HubFile? TryParse(string spec)
    {
        string kind = spec.StartsWith("hf:", StringComparison.Ordinal) ? "model" : spec.StartsWith("hf-dataset:", StringComparison.Ordinal) ? "dataset" : "";
        if (kind.Length == 0)
        {
            return null;
        }

        string rest = spec[(spec.IndexOf(':', StringComparison.Ordinal) + 1)..];
        string revision = "main";
        int at = rest.LastIndexOf('@');
        if (at > 0)
        {
            revision = rest[(at + 1)..];
            rest = rest[..at];
        }

        string[] parts = rest.Split('/', 3);
        return parts.Length == 3 && parts.All(p => p.Length > 0) && !parts[2].Split('/').Contains("..") && revision.Length > 0
            ? new HubFile(kind, parts[0], parts[1], parts[2], revision)
            : throw new ArgumentException($"'{spec}': expected {(kind == "model" ? "hf" : "hf-dataset")}:OWNER/REPO/PATH[@REVISION]");
    }

    /// <summary>The download URL under <paramref name="endpoint"/>.</summary>
    public Uri Url(Uri endpoint) => new(endpoint, $"{(Kind == "dataset" ? "datasets/" : "")}{Owner}/{Repo}/resolve/{Uri.EscapeDataString(Revision)}/{string.Join('/', Path.Split('/').Select(Uri.EscapeDataString))}");

    /// <inheritdoc />
    public override string ToString() => $"{(Kind == "dataset" ? "hf-dataset" : "hf")}:{Owner}/{Repo}/{Path}{(Revision == "main" ? "" : "@" + Revision)}";
}
