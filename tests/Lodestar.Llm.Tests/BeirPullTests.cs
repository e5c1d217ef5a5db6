using System.IO.Compression;
using Lodestar.Datasets;
using Lodestar.Hub;

namespace Lodestar.Llm.Tests;

/// <summary>BEIR pulls against a local file server: a zip in BEIR's layout, built from Cranfield.</summary>
public sealed class BeirPullTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("lodestar-beir-").FullName;
    private FakeHub _hub = null!;

    public async Task InitializeAsync() => _hub = await FakeHub.StartAsync();

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static byte[] CranfieldZip()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            string data = Path.Combine(Repo.Root, "data", "cranfield");
            using (Stream entry = zip.CreateEntry("cranfield-mini/corpus.jsonl").Open())
            using (var gz = new GZipStream(File.OpenRead(Path.Combine(data, "corpus.jsonl.gz")), CompressionMode.Decompress))
            {
                gz.CopyTo(entry);
            }

            zip.CreateEntryFromFile(Path.Combine(data, "queries.jsonl"), "cranfield-mini/queries.jsonl");
            zip.CreateEntryFromFile(Path.Combine(data, "qrels", "test.tsv"), "cranfield-mini/qrels/test.tsv");
        }

        return buffer.ToArray();
    }

    [Fact]
    public async Task A_dropped_zip_download_resumes_and_unpacks_to_BEIR_layout_that_indexes()
    {
        byte[] zip = CranfieldZip();
        _hub.Add("files/beir/cranfield-mini.zip", zip);
        _hub.DropNext = 1;
        string cache = Path.Combine(_root, "zips");
        using var downloader = new HubDownloader();
        string folder = await BeirDataset.PullAsync(downloader, "cranfield-mini", new Uri(_hub.Url, "files/beir/").ToString(), Path.Combine(_root, "beir"), cache);
        Assert.Equal(Path.Combine(_root, "beir", "cranfield-mini"), folder);
        Assert.Equal(2, _hub.Gets);                                   // cut off once, resumed
        Assert.StartsWith("bytes=", _hub.Ranges[1]);
        Assert.Equal(1400, File.ReadLines(Path.Combine(folder, "corpus.jsonl")).Count());
        var indexed = Repo.Cli("index", Path.Combine(folder, "corpus.jsonl"), "-o", Path.Combine(_root, "index"));
        Assert.True(indexed.Code == 0, indexed.Err);

        // A second pull finds it and asks nothing.
        Assert.Equal(folder, await BeirDataset.PullAsync(downloader, "cranfield-mini", new Uri(_hub.Url, "files/beir/").ToString(), Path.Combine(_root, "beir"), cache));
        Assert.Equal(2, _hub.Gets);

        _hub.Add("files/beir/broken.zip", [.. zip.Take(zip.Length / 3)]);
        HubException e = await Assert.ThrowsAsync<HubException>(() => BeirDataset.PullAsync(downloader, "broken", new Uri(_hub.Url, "files/beir/").ToString(), Path.Combine(_root, "beir"), cache));
        Assert.Contains("not a valid zip archive", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "beir", "broken")));

        HubException missing = await Assert.ThrowsAsync<HubException>(() => BeirDataset.PullAsync(downloader, "nothere", new Uri(_hub.Url, "files/beir/").ToString(), Path.Combine(_root, "beir"), cache));
        Assert.Contains("HTTP 4", missing.Message);
    }
}
