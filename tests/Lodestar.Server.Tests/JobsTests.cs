using System.Text.Json;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Llm.Tests;
using Lodestar.Model;
using Lodestar.Search;
using Microsoft.AspNetCore.Builder;

namespace Lodestar.Server.Tests;

/// <summary>Jobs: a rerank of a run file followed as server-sent events, and a job stopped with the server that
/// resumes at the next start asking only for what the judgment store lacks.</summary>
public sealed class JobsTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private (string Run, string Jobs, string Store) Files(string name)
    {
        string root = Helpers.RepoRoot();
        List<Topic> topics = [.. TopicReader.Read(Path.Combine(root, "data/cranfield/queries.jsonl")).Take(3)];
        using IndexReader reader = IndexReader.Open(f.IndexPath);
        string run = Path.Combine(f.Dir, name + ".run");
        TrecRunFormat.Write(run, new Searcher(reader, new Bm25Parameters()).Search(topics, 5));
        return (run, Path.Combine(f.Dir, name + "-jobs"), Path.Combine(f.Dir, name + ".db"));
    }

    private ServerOptions Options((string Run, string Jobs, string Store) files, Uri llm) => new()
    {
        Indexes = [("cranfield", f.IndexPath)],
        Chat = ServerFixture.ChatFor(llm),
        StorePath = files.Store,
        TopicsPath = Path.Combine(Helpers.RepoRoot(), "data/cranfield/queries.jsonl"),
        Runs = [("bm25", files.Run)],
        JobsPath = files.Jobs,
    };

    [Fact]
    public async Task Job_StreamsProgressEventsAndWritesTheRerankedRun()
    {
        var files = Files("sse");
        WebApplication app = await ServerFixture.StartAsync(f, Options(files, f.Llm.Url));
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var (status, job, text) = await Helpers.PostAsync(http, "/v1/jobs", """{"kind": "rerank", "run": "bm25", "top": 5, "samples": 2}""");
        Assert.True(status == 202, text);
        string id = job.GetProperty("id").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id}/events");
        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<(string Event, JsonElement Data)>();
        string? name = null;
        while (await reader.ReadLineAsync() is string line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((name!, JsonDocument.Parse(line[6..]).RootElement.Clone()));
            }
        }

        Assert.Equal("done", events[^1].Event);
        Assert.All(events.SkipLast(1), e => Assert.Equal("progress", e.Event));
        JsonElement final = events[^1].Data;
        Assert.Equal((15, 15, 0), (final.GetProperty("done").GetInt32(), final.GetProperty("total").GetInt32(), final.GetProperty("failures").GetInt32()));
        Assert.StartsWith("15 pairs of 3 topics: 30 samples asked, 0 from the store", final.GetProperty("message").GetString());

        var (runStatus, _, runText) = await Helpers.GetAsync(http, $"/v1/jobs/{id}/run");
        Assert.Equal(200, runStatus);
        string path = Path.Combine(f.Dir, "sse-result.run");
        File.WriteAllText(path, runText);
        Run run = TrecRunFormat.Read(path);
        Assert.Equal(["1", "2", "3"], run.TopicIds);
        Assert.All(run.TopicIds, t => Assert.Equal(5, run[t].Count));
        Assert.All(run.TopicIds, t => Assert.Equal(run[t].Select(h => h.Score).OrderDescending(), run[t].Select(h => h.Score)));
    }

    [Fact]
    public async Task Job_StoppedWithTheServer_ResumesAtStartAndAsksOnlyForTheRest()
    {
        var files = Files("resume");
        // The first "model" answers 6 requests, then hangs until the server stops.
        await using var flaky = await FakeOpenAiServer.StartAsync((ctx, n, body) => n <= 6 ? FakeRetroStar.Answer(ctx, body) : FakeOpenAiServer.Hang(ctx));
        WebApplication first = await ServerFixture.StartAsync(f, Options(files, flaky.Url));
        using (var http = new HttpClient { BaseAddress = new Uri(first.Urls.First()) })
        {
            var (status, job, text) = await Helpers.PostAsync(http, "/v1/jobs", """{"kind": "rerank", "run": "bm25", "top": 5}""");
            Assert.True(status == 202, text);
            while (flaky.Requests < 15)
            {
                await Task.Delay(20);
            }
        }

        await first.StopAsync();
        await first.DisposeAsync();
        string jobFile = Directory.GetFiles(files.Jobs, "job.json", SearchOption.AllDirectories).Single();
        Assert.Equal("running", JsonDocument.Parse(File.ReadAllText(jobFile)).RootElement.GetProperty("state").GetString());

        int before = f.Llm.Requests;
        WebApplication second = await ServerFixture.StartAsync(f, Options(files, f.Llm.Url));
        await using var _ = second;
        using var http2 = new HttpClient { BaseAddress = new Uri(second.Urls.First()) };
        JsonElement done = default;
        for (int i = 0; i < 300; i++)
        {
            done = (await Helpers.GetAsync(http2, "/v1/jobs")).Json[0];
            if (done.GetProperty("state").GetString() == "done")
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal(2, done.GetProperty("attempts").GetInt32());
        Assert.Equal(9, f.Llm.Requests - before);
        Assert.StartsWith("15 pairs of 3 topics: 9 samples asked, 6 from the store", done.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Job_ReadOnlyServer_Is403()
    {
        var files = Files("ro");
        WebApplication app = await ServerFixture.StartAsync(f, Options(files, f.Llm.Url) with { ReadOnly = true });
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var (status, json, _) = await Helpers.PostAsync(http, "/v1/jobs", """{"kind": "rerank", "run": "bm25"}""");
        Assert.Equal(403, status);
        Assert.Equal("the server is read-only (--read-only): jobs are disabled", json.GetProperty("detail").GetString());
    }
}
