using System.Security.Cryptography;
using Lodestar.Hub;

namespace Lodestar.Llm.Tests;

/// <summary>Model downloads against a local server that speaks the hub's protocol; the cache is a temp HF_HOME.</summary>
[Collection("environment")] // sets HF_HOME and HF_ENDPOINT
public sealed class HubDownloaderTests : IAsyncLifetime
{
    private readonly string _home = Directory.CreateTempSubdirectory("lodestar-hf-").FullName;
    private FakeHub _hub = null!;
    private byte[] _gguf = [];

    public async Task InitializeAsync()
    {
        _hub = await FakeHub.StartAsync();
        _gguf = Repo.Shared is not null ? File.ReadAllBytes(Repo.TinyModel) : RandomNumberGenerator.GetBytes(300_000);
        _hub.Add("ollama/tiny/llama-2-tiny-random.gguf", _gguf);
        _hub.UseAsHub(_home);
    }

    public async Task DisposeAsync()
    {
        FakeHub.ForgetHub();
        await _hub.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task A_dropped_download_resumes_with_a_range_request_and_lands_in_the_hf_cache_layout()
    {
        _hub.DropNext = 2;
        var file = HubFile.TryParse("hf:ollama/tiny/llama-2-tiny-random.gguf")!;
        using var downloader = new HubDownloader();
        var seen = new List<(long, long)>();
        string path = await downloader.GetAsync(file, progress: new SyncProgress(seen));

        Assert.Equal(_gguf, File.ReadAllBytes(path));
        Assert.Equal(3, _hub.Gets);                               // two cut off, the third completes
        Assert.Null(_hub.Ranges[0]);
        Assert.StartsWith("bytes=", _hub.Ranges[1]);               // resumed, not restarted
        Assert.StartsWith("bytes=", _hub.Ranges[2]);
        string repo = Path.Combine(_home, "hub", "models--ollama--tiny");
        Assert.Equal(Path.Combine(repo, "snapshots", FakeHub.Commit, "llama-2-tiny-random.gguf"), path);
        Assert.Equal(FakeHub.Commit, File.ReadAllText(Path.Combine(repo, "refs", "main")));
        Assert.True(File.Exists(Path.Combine(repo, "blobs", Convert.ToHexStringLower(SHA256.HashData(_gguf)))));
        Assert.Empty(Directory.GetFiles(Path.Combine(repo, "blobs"), "*.incomplete"));
        Assert.Equal(_gguf.Length, seen.Max(p => p.Item1));

        // Cached: offline works, and resolving needs no server.
        await _hub.DisposeAsync();
        _hub = await FakeHub.StartAsync();
        Assert.Equal(path, await downloader.GetAsync(file, offline: true));
        Assert.Equal(path, ModelCache.Resolve("hf:ollama/tiny/llama-2-tiny-random.gguf"));
        Assert.Contains(HubCache.List(), f => f.Reference.StartsWith("hf:ollama/tiny/llama-2-tiny-random.gguf@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_hash_a_missing_file_and_offline_misses_are_clear_errors()
    {
        using var downloader = new HubDownloader();
        HubException bad = await Assert.ThrowsAsync<HubException>(() =>
            downloader.GetAsync(HubFile.TryParse("hf:ollama/tiny/llama-2-tiny-random.gguf")!, sha256: new string('0', 64)));
        Assert.Contains("does not match", bad.Message);
        Assert.Empty(Directory.GetFiles(_home, "*.incomplete", SearchOption.AllDirectories));

        HubException missing = await Assert.ThrowsAsync<HubException>(() => downloader.GetAsync(HubFile.TryParse("hf:ollama/tiny/nope.gguf")!));
        Assert.Contains($"{_hub.Url}ollama/tiny/resolve/main/nope.gguf: HTTP 404", missing.Message);

        HubException offline = await Assert.ThrowsAsync<HubException>(() => downloader.GetAsync(HubFile.TryParse("hf:ollama/tiny/other.gguf")!, offline: true));
        Assert.Contains("not in the cache", offline.Message);
        Assert.Throws<ArgumentException>(() => HubFile.TryParse("hf:only-owner/file.gguf"));
        Assert.Null(HubFile.TryParse("models/local.gguf"));
    }

    private sealed class SyncProgress(List<(long, long)> seen) : IProgress<(long Done, long Total)>
    {
        public void Report((long Done, long Total) value) => seen.Add(value);
    }
}
