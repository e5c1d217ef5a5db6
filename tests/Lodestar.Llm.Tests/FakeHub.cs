using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lodestar.Llm.Tests;

/// <summary>
/// A local HTTP server that answers like the Hugging Face hub: <c>HEAD /OWNER/REPO/resolve/REV/FILE</c> (and
/// <c>/datasets/…</c>) with <c>X-Repo-Commit</c>, <c>X-Linked-Etag</c> (the SHA-256) and <c>X-Linked-Size</c>, and a
/// 302 to a CDN path for GET, which honors <c>Range</c>. It can drop the connection half-way through a body.
/// </summary>
public sealed class FakeHub : IAsyncDisposable
{
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private readonly WebApplication _app;
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    private FakeHub(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Bodies to cut off after half their bytes (counted down per GET).</summary>
    public int DropNext { get; set; }

    public int Gets { get; private set; }

    public List<string?> Ranges { get; } = [];

    /// <summary>Serves <paramref name="bytes"/> at <paramref name="path"/> (e.g. <c>owner/repo/file.gguf</c>).</summary>
    public void Add(string path, byte[] bytes) => _files[path] = bytes;

    /// <summary>Serves every file under <paramref name="folder"/> as the dataset repository <paramref name="repo"/>.</summary>
    public void AddDataset(string repo, string folder)
    {
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            _files[$"datasets/{repo}/{Path.GetRelativePath(folder, file).Replace('\\', '/')}"] = File.ReadAllBytes(file);
        }
    }

    /// <summary>Points HF_HOME at <paramref name="home"/> and HF_ENDPOINT at this server, for this process.</summary>
    public void UseAsHub(string home)
    {
        Environment.SetEnvironmentVariable("HF_HOME", home);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", null);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", Url.ToString());
    }

    /// <summary>Undoes <see cref="UseAsHub"/>.</summary>
    public static void ForgetHub()
    {
        Environment.SetEnvironmentVariable("HF_HOME", null);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", null);
    }

    public static async Task<FakeHub> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var hub = new FakeHub(app);
        app.MapMethods("/{**path}", ["HEAD", "GET"], async (HttpContext ctx, string path) =>
        {
            if (path.StartsWith("files/", StringComparison.Ordinal) && hub._files.ContainsKey(path))
            {
                // a plain file server (BEIR's zips)
                if (HttpMethods.IsHead(ctx.Request.Method))
                {
                    ctx.Response.ContentLength = hub._files[path].Length;
                    return;
                }

                await hub.ServeBody(ctx, path);
                return;
            }

            if (path.StartsWith("cdn/", StringComparison.Ordinal))
            {
                await hub.ServeBody(ctx, path["cdn/".Length..]);
                return;
            }

            if (path.StartsWith("api/datasets/", StringComparison.Ordinal))
            {
                // api/datasets/OWNER/REPO/tree/REV/FOLDER: the hub's file list
                string[] p = path.Split('/');
                string prefix = $"datasets/{p[2]}/{p[3]}/{string.Join('/', p[6..])}/";
                await ctx.Response.WriteAsJsonAsync(hub._files.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(f => new
                {
                    type = "file",
                    path = f.Key[$"datasets/{p[2]}/{p[3]}/".Length..],
                    size = f.Value.Length,
                    oid = "0000000000000000000000000000000000000000",
                    lfs = new { oid = Convert.ToHexStringLower(SHA256.HashData(f.Value)), size = f.Value.Length },
                }));
                return;
            }

            string[] parts = path.Split('/');
            int offset = parts[0] == "datasets" ? 1 : 0;
            if (parts.Length < offset + 5 || parts[offset + 2] != "resolve")
            {
                ctx.Response.StatusCode = 400;
                return;
            }

            string key = (offset == 1 ? "datasets/" : "") + string.Join('/', parts[offset..(offset + 2)].Concat(parts[(offset + 4)..]));
            if (!hub._files.TryGetValue(key, out byte[]? bytes))
            {
                ctx.Response.StatusCode = 404;
                ctx.Response.Headers["X-Error-Code"] = "EntryNotFound";
                return;
            }

            ctx.Response.Headers["X-Repo-Commit"] = Commit;
            ctx.Response.Headers["X-Linked-Etag"] = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))}\"";
            ctx.Response.Headers["X-Linked-Size"] = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ctx.Response.Headers.ETag = "\"git-blob-sha1-is-not-this\"";
            ctx.Response.StatusCode = 302;
            ctx.Response.Headers.Location = $"/cdn/{key}";
        });
        await app.StartAsync();
        hub.Url = new Uri(app.Urls.First() + "/");
        return hub;
    }

    private async Task ServeBody(HttpContext ctx, string key)
    {
        byte[] bytes = _files[key];
        Gets++;
        string? range = ctx.Request.Headers.Range.FirstOrDefault();
        Ranges.Add(range);
        int start = 0;
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal))
        {
            start = int.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
            ctx.Response.StatusCode = 206;
            ctx.Response.Headers.ContentRange = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
        }

        ctx.Response.ContentLength = bytes.Length - start;
        if (DropNext > 0)
        {
            DropNext--;
            int half = (bytes.Length - start) / 2;
            await ctx.Response.Body.WriteAsync(bytes.AsMemory(start, half));
            await ctx.Response.Body.FlushAsync();
            ctx.Abort();
            return;
        }

        await ctx.Response.Body.WriteAsync(bytes.AsMemory(start));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
