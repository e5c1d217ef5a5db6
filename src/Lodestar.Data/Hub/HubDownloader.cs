using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Lodestar.Hub;

/// <summary>A download failed: the message names the URL and the status or the mismatch.</summary>
public sealed class HubException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Downloads hub files into <see cref="HubCache"/>: a HEAD request gives the commit, the ETag (the SHA-256 of LFS
/// files) and the size; the body goes to <c>blobs/ETAG.incomplete</c>, resumed with a <c>Range</c> request after an
/// interruption, checked against the size and the SHA-256, renamed into place, and linked from the snapshot.
/// </summary>
public sealed class HubDownloader(HttpClient? http = null) : IDisposable
{
    private readonly HttpClient _http = http ?? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, ConnectTimeout = TimeSpan.FromSeconds(30) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly HttpClient _head = new(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Attempts per download; each resumes where the last one stopped.</summary>
    public int Attempts { get; init; } = 5;

    /// <summary>The cached file, downloading it first unless it is there.</summary>
    /// <param name="file">The file.</param>
    /// <param name="sha256">Expected SHA-256 (hex); null trusts the hub's LFS ETag where there is one.</param>
    /// <param name="offline">Use only the cache.</param>
    /// <param name="progress">(bytes done, bytes in all).</param>
    /// <param name="cancellationToken">Stops; the partial file stays for the next attempt.</param>
    public async Task<string> GetAsync(HubFile file, string? sha256 = null, bool offline = false,
        IProgress<(long Done, long Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        if (HubCache.Find(file) is string cached)
        {
            return cached;
        }

        if (offline)
        {
            throw new HubException($"{file}: not in the cache {HubCache.Root} (offline); run without --offline to download it");
        }

        Uri url = file.Url(HubCache.Endpoint);
        (string commit, string etag, long size) = await HeadAsync(url, cancellationToken).ConfigureAwait(false);
        string expected = (sha256 ?? (IsSha256(etag) ? etag : "")).ToLowerInvariant();
        string repo = HubCache.RepoFolder(file);
        string blob = Path.Combine(repo, "blobs", etag);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        if (!File.Exists(blob))
        {
            await FetchVerifiedAsync(url, blob, size, expected, progress, cancellationToken).ConfigureAwait(false);
        }

        string snapshot = Path.Combine(repo, "snapshots", commit, file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(snapshot)!);
        if (!File.Exists(snapshot))
        {
            try
            {
                File.CreateSymbolicLink(snapshot, Path.GetRelativePath(Path.GetDirectoryName(snapshot)!, blob));
            }
            catch (IOException)
            {
                File.Copy(blob, snapshot);
            }
        }

        if (file.Revision != commit)
        {
            Directory.CreateDirectory(Path.Combine(repo, "refs"));
            string refPath = Path.Combine(repo, "refs", file.Revision);
            File.WriteAllText(refPath + ".tmp", commit);
            File.Move(refPath + ".tmp", refPath, overwrite: true);
        }

        return snapshot;
    }

    /// <summary>
    /// Downloads a plain URL (such as a BEIR zip) to <paramref name="destination"/> unless it is there: resumable,
    /// checked against the server's Content-Length and, when given, a SHA-256; renamed into place when complete.
    /// </summary>
    public async Task<string> GetUrlAsync(Uri url, string destination, string? sha256 = null, IProgress<(long Done, long Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (File.Exists(destination))
        {
            return destination;
        }

        long size = -1;
        using (var request = new HttpRequestMessage(HttpMethod.Head, url))
        {
            try
            {
                using HttpResponseMessage head = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if ((int)head.StatusCode >= 400)
                {
                    throw new HubException($"{url}: HTTP {(int)head.StatusCode} {head.ReasonPhrase}");
                }

                size = head.Content.Headers.ContentLength ?? -1;
            }
            catch (HttpRequestException e)
            {
                throw new HubException($"{url}: cannot connect: {e.Message}; set HF_ENDPOINT to use a mirror of the hub", e);
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        await FetchVerifiedAsync(url, destination, size, sha256?.ToLowerInvariant() ?? "", progress, cancellationToken).ConfigureAwait(false);
        return destination;
    }

    /// <summary>The files under <paramref name="folder"/> of a hub repository (the hub's tree API), with sizes and,
    /// for LFS files, SHA-256.</summary>
    public async Task<List<(string Path, long Size, string? Sha256)>> ListAsync(HubFile folder, CancellationToken cancellationToken = default)
    {
        var url = new Uri(HubCache.Endpoint, $"api/{folder.Kind}s/{folder.Owner}/{folder.Repo}/tree/{Uri.EscapeDataString(folder.Revision)}/{folder.Path}");
        string json;
        try
        {
            using HttpResponseMessage response = await _head.GetAsync(url, cancellationToken).ConfigureAwait(false);
            json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode >= 400)
            {
                throw new HubException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
        catch (HttpRequestException e)
        {
            throw new HubException($"{url}: cannot connect: {e.Message}; set HF_ENDPOINT to use a mirror of the hub", e);
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return [.. doc.RootElement.EnumerateArray().Where(e => e.GetProperty("type").GetString() == "file").Select(e => (
                e.GetProperty("path").GetString()!,
                e.GetProperty("size").GetInt64(),
                e.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == System.Text.Json.JsonValueKind.Object ? lfs.GetProperty("oid").GetString() : null))];
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new HubException($"{url}: expected the hub's JSON file list, found: {json[..Math.Min(json.Length, 200)]}", e);
        }
    }

    private async Task FetchVerifiedAsync(Uri url, string destination, long size, string expected, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        string partial = destination + ".incomplete";
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await FetchAsync(url, partial, size, progress, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (attempt < Attempts && e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }

        if (size >= 0 && new FileInfo(partial).Length != size)
        {
            throw new HubException($"{url}: got {new FileInfo(partial).Length} bytes, the server said {size}");
        }

        if (expected.Length > 0)
        {
            string actual;
            using (FileStream s = File.OpenRead(partial))
            {
                actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(s, cancellationToken).ConfigureAwait(false));
            }

            if (actual != expected)
            {
                File.Delete(partial);
                throw new HubException($"{url}: SHA-256 {actual} does not match the expected {expected}; the partial download was removed");
            }
        }

        File.Move(partial, destination, overwrite: true);
    }

    private async Task<(string Commit, string Etag, long Size)> HeadAsync(Uri url, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        HttpResponseMessage response;
        try
        {
            response = await _head.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new HubException($"{url}: cannot connect: {e.Message}; set HF_ENDPOINT to use a mirror of the hub", e);
        }

        using (response)
        {
            if ((int)response.StatusCode >= 400)
            {
                throw new HubException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}" +
                    (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (a gated or private repository needs HF_TOKEN)" : ""));
            }

            string? etag = Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.Tag;
            string? commit = Header(response, "X-Repo-Commit");
            long size = long.TryParse(Header(response, "X-Linked-Size"), out long linked) ? linked : response.Content.Headers.ContentLength ?? -1;
            if (etag is null || commit is null)
            {
                throw new HubException($"{url}: HTTP {(int)response.StatusCode} without the ETag and X-Repo-Commit headers a hub sends");
            }

            return (commit, etag.Replace("W/", "", StringComparison.Ordinal).Trim('"'), size);
        }
    }

    private async Task FetchAsync(Uri url, string partial, long size, IProgress<(long, long)>? progress, CancellationToken ct)
    {
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (size >= 0 && have == size)
        {
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        if (Environment.GetEnvironmentVariable("HF_TOKEN") is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if ((int)response.StatusCode >= 400)
        {
            throw new HubException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
        long done = resumed ? have : 0;
        await using var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write);
        await using Stream body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            await output.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            done += read;
            progress?.Report((done, size));
        }

        if (size >= 0 && done < size)
        {
            throw new IOException($"{url}: the connection ended after {done} of {size} bytes");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    private static bool IsSha256(string etag) => etag.Length == 64 && etag.All(Uri.IsHexDigit);

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _head.Dispose();
    }
}

/// <summary>Turns a model argument into a file: a path as it is, or <c>hf:…</c> from the cache.</summary>
public static class ModelCache
{
    /// <summary>The local path of <paramref name="spec"/>.</summary>
    /// <exception cref="HubException">An <c>hf:</c> reference that is not cached.</exception>
    public static string Resolve(string spec) => HubFile.TryParse(spec) is { } file
        ? HubCache.Find(file) ?? throw new HubException($"{spec}: not in the model cache {HubCache.Root}; run `lodestar models pull {spec}`")
        : spec;
}
