using System.Text.Json;
using Lodestar.Llm.Client;
using Lodestar.Llm.Tests;
using Lodestar.Llm.Tests.Pipeline;
using Lodestar.Pipeline.Recipes;
using Lodestar.Server.Jobs;
using Microsoft.AspNetCore.Builder;

namespace Lodestar.Server.Tests;

/// <summary>
/// Recipe jobs: a recipe and a dataset named at start-up, run through <c>POST /v1/jobs</c>, followed as server-sent
/// events, and ending with the same run file as <c>lodestar bright run --recipe</c>; a job stopped with the server
/// resumes at the next start and asks only for what its judgment store lacks.
/// </summary>
public sealed class RecipeJobsTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    /// <summary>BM25 top 20, reranked by Retro* with 2 samples per pair: 20 requests per topic.</summary>
    private const string Recipe = "name: small\nretrievers:\n  - name: bm25\n    kind: bm25\n    k: 20\nreranks:\n  - name: retro\n    method: retro-star\n    run: bm25\n    cascade: 20@2\n";

    private static string Cranfield => Path.Combine(Helpers.RepoRoot(), "data", "cranfield");

    private (string Recipe, string Jobs) Files(string name)
    {
        string dir = Path.Combine(f.Dir, "recipe-" + name);
        Directory.CreateDirectory(dir);
        string recipe = Path.Combine(dir, "small.yaml");
        File.WriteAllText(recipe, Recipe);
        return (recipe, Path.Combine(dir, "jobs"));
    }

    private ServerOptions Options((string Recipe, string Jobs) files, Uri llm, bool readOnly = false) => new()
    {
        Indexes = [("cranfield", f.IndexPath)],
        JobsPath = files.Jobs,
        ReadOnly = readOnly,
        RecipeJobs = new RecipeJobOptions
        {
            Recipes = [("small", RecipeReader.Read(files.Recipe))],
            Datasets = [new RecipeDataset("cranfield", Cranfield, Beir: true)],
            Endpoint = llm.ToString(),
            Model = "reasoner",
            OpenChat = (endpoint, model) => new OpenAiChatClient(new OpenAiClient(new EndpointOptions
            {
                BaseUrl = new Uri(endpoint), Model = model, MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(30), MaxInFlight = 4,
            })),
        },
    };

    /// <summary>The same recipe through the CLI: the reference files and the requests an uninterrupted run makes.</summary>
    private static async Task<(string Experiment, int Requests)> ReferenceAsync(string recipe, int topics)
    {
        await using FakeOpenAiServer llm = await RecipeServer.StartAsync();
        string experiment = Path.Combine(Path.GetDirectoryName(recipe)!, "reference");
        using var o = new StringWriter();
        using var e = new StringWriter();
        int code = Cli.Cli.Run(["bright", "run", "--recipe", recipe, "--beir", Cranfield, "--max-topics", $"{topics}", "-o", experiment,
            "--endpoint", llm.Url.ToString(), "--model", "reasoner", "--in-flight", "4"], new Cli.CliContext(o, e, false, new StringReader("")));
        Assert.True(code == 0, e.ToString());
        return (experiment, llm.Requests);
    }

    private static async Task<List<(string Event, JsonElement Data)>> EventsAsync(HttpClient http, string id)
    {
        using HttpResponseMessage response = await http.GetAsync($"/v1/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<(string, JsonElement)>();
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

        return events;
    }

    private static string[] Steps(JsonElement job) => [.. job.GetProperty("steps").EnumerateArray().Select(s => s.GetString()!)];

    [Fact]
    public async Task RecipeJob_StreamsItsSteps_ReportsNdcg_AndEndsWithTheRunOfTheCli()
    {
        var files = Files("sse");
        (string reference, int requests) = await ReferenceAsync(files.Recipe, 3);
        Assert.Equal(60, requests); // 3 topics x 20 pairs, 2 samples in one request each

        await using FakeOpenAiServer llm = await RecipeServer.StartAsync();
        WebApplication app = await ServerFixture.StartAsync(f, Options(files, llm.Url));
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var (status, job, text) = await Helpers.PostAsync(http, "/v1/jobs", """{"kind": "recipe", "recipe": "small", "data": "cranfield", "max_topics": 3}""");
        Assert.True(status == 202, text);
        string id = job.GetProperty("id").GetString()!;

        List<(string Event, JsonElement Data)> events = await EventsAsync(http, id);
        Assert.Equal("done", events[^1].Event);
        Assert.All(events.SkipLast(1), e => Assert.Equal("progress", e.Event));
        JsonElement final = events[^1].Data;
        string[] steps = Steps(final);
        Assert.Equal(["cranfield/index:", "cranfield/retrieve:bm25:", "cranfield/rerank:retro:", "cranfield/eval:"], steps.Select(s => s[..(s.IndexOf(": ", StringComparison.Ordinal) + 1)]));
        Assert.All(steps, s => Assert.Contains(": done in ", s));
        Assert.Contains("(documents 1,400, terms ", steps[0]);
        Assert.Equal(4, final.GetProperty("done").GetInt32());
        double ndcg = final.GetProperty("ndcg").GetProperty("cranfield").GetDouble();
        string expected = File.ReadAllLines(Path.Combine(reference, "cranfield", "eval.tsv")).Single(l => l.StartsWith("ndcg_cut_10\t", StringComparison.Ordinal))[12..];
        Assert.Equal(expected, ndcg.ToString("F5", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal($"recipe small on cranfield: 4 steps (0 reused); nDCG@10 cranfield {expected}", final.GetProperty("message").GetString());
        Assert.Equal(requests, llm.Requests);

        // The final run, as the CLI writes it for the same recipe, data and topics.
        using HttpResponseMessage run = await http.GetAsync($"/v1/jobs/{id}/run");
        Assert.Equal(200, (int)run.StatusCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "cranfield", "run.trec")), await run.Content.ReadAsByteArrayAsync());
        Assert.Equal(200, (int)(await http.GetAsync($"/v1/jobs/{id}/run?task=cranfield")).StatusCode);
        var (missing, problem, _) = await Helpers.GetAsync(http, $"/v1/jobs/{id}/run?task=..%2F..%2Fetc");
        Assert.Equal(404, missing);
        Assert.Equal($"job '{id}' has no task '../../etc', expected one of: cranfield", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task RecipeJob_StoppedWithTheServer_ResumesAndAsksOnlyForWhatItLacks_EndingWithTheSameFiles()
    {
        var files = Files("resume");
        (string reference, int requests) = await ReferenceAsync(files.Recipe, 3);

        // The first model answers 25 requests, then hangs until the server stops.
        await using FakeOpenAiServer flaky = await FakeOpenAiServer.StartAsync(async (ctx, n, body) =>
        {
            if (n > 25)
            {
                await FakeOpenAiServer.Hang(ctx);
                return;
            }

            await FakeOpenAiServer.Answer(ctx, RecipeServer.Answers(body));
        });
        WebApplication first = await ServerFixture.StartAsync(f, Options(files, flaky.Url));
        using (var http = new HttpClient { BaseAddress = new Uri(first.Urls.First()) })
        {
            var (status, _, text) = await Helpers.PostAsync(http, "/v1/jobs", """{"kind": "recipe", "recipe": "small", "data": "cranfield", "max_topics": 3}""");
            Assert.True(status == 202, text);
            for (int i = 0; i < 500 && flaky.Requests < 29; i++) // the 4 requests in flight hang
            {
                await Task.Delay(20);
            }
        }

        await first.StopAsync();
        await first.DisposeAsync();
        string jobFile = Directory.GetFiles(files.Jobs, "job.json", SearchOption.AllDirectories).Single();
        JsonElement stopped = JsonDocument.Parse(File.ReadAllText(jobFile)).RootElement;
        Assert.Equal("running", stopped.GetProperty("state").GetString());

        await using FakeOpenAiServer llm = await RecipeServer.StartAsync();
        WebApplication second = await ServerFixture.StartAsync(f, Options(files, llm.Url));
        await using var _ = second;
        using var http2 = new HttpClient { BaseAddress = new Uri(second.Urls.First()) };
        List<(string Event, JsonElement Data)> events = await EventsAsync(http2, stopped.GetProperty("id").GetString()!);
        JsonElement done = events[^1].Data;
        Assert.True(events[^1].Event == "done", done.ToString());
        Assert.Equal(2, done.GetProperty("attempts").GetInt32());
        string[] steps = Steps(done);
        Assert.StartsWith("cranfield/index: finished before, reused", steps[0]);
        Assert.StartsWith("cranfield/retrieve:bm25: finished before, reused", steps[1]);
        Assert.StartsWith("cranfield/rerank:retro: done in", steps[2]);

        // The 25 answers stored before the stop are not asked again; the 4 in flight were never answered.
        Assert.Equal(requests - 25, llm.Requests);
        Assert.InRange(flaky.Requests + llm.Requests, requests, requests + 4);
        string experiment = Path.Combine(files.Jobs, stopped.GetProperty("id").GetString()!, "experiment");
        foreach (string file in new[] { "run.trec", "eval.tsv", "runs/retro.trec", "runs/bm25.trec" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "cranfield", file)), File.ReadAllBytes(Path.Combine(experiment, "cranfield", file)));
        }
    }

    [Theory]
    [InlineData("""{"kind": "recipe", "recipe": "nope", "data": "cranfield"}""", 404, "unknown recipe 'nope', expected one of: small")]
    [InlineData("""{"kind": "recipe", "recipe": "small", "data": "/etc"}""", 404, "unknown data '/etc', expected one of: cranfield")]
    [InlineData("""{"kind": "recipe", "recipe": "../small.yaml", "data": "cranfield"}""", 404, "unknown recipe '../small.yaml', expected one of: small")]
    [InlineData("""{"kind": "recipe", "recipe": "small", "data": "cranfield", "max_topics": 0}""", 422, "max_topics: expected 1 to 1000000, found 0")]
    [InlineData("""{"kind": "recipe", "recipe": "small", "data": "cranfield", "tasks": "biology"}""", 422, "tasks: 'cranfield' is a BEIR folder (one task); tasks are for BRIGHT data (--data)")]
    [InlineData("""{"kind": "recipes", "recipe": "small", "data": "cranfield"}""", 422, "kind: expected rerank or recipe, found 'recipes'")]
    public async Task RecipeJob_BadFields_AreRefusedAndStartNothing(string body, int expected, string detail)
    {
        var files = Files("bad" + Math.Abs(body.GetHashCode()));
        await using FakeOpenAiServer llm = await RecipeServer.StartAsync();
        WebApplication app = await ServerFixture.StartAsync(f, Options(files, llm.Url));
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var (status, json, text) = await Helpers.PostAsync(http, "/v1/jobs", body);
        Assert.True(status == expected, text);
        Assert.Equal(detail, json.GetProperty("detail").GetString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(files.Jobs));
        Assert.Equal(0, llm.Requests);
    }

    [Theory]
    [InlineData("""{"kind": "recipe", "recipe": "small", "data": "bright"}""", "tasks: 'bright' is BRIGHT data: give tasks, such as \"biology,leetcode\"")]
    [InlineData("""{"kind": "recipe", "recipe": "small", "data": "bright", "tasks": "biology,pets"}""", "tasks: unknown BRIGHT task 'pets', expected 'all' or some of: ")]
    public async Task RecipeJob_OnBrightData_NeedsKnownTasks(string body, string detail)
    {
        var files = Files("bright" + Math.Abs(body.GetHashCode()));
        await using FakeOpenAiServer llm = await RecipeServer.StartAsync();
        ServerOptions options = Options(files, llm.Url);
        WebApplication app = await ServerFixture.StartAsync(f, options with
        {
            RecipeJobs = options.RecipeJobs! with { Datasets = [new RecipeDataset("bright", Path.Combine(f.Dir, "no-bright"), Beir: false)] },
        });
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var (status, json, text) = await Helpers.PostAsync(http, "/v1/jobs", body);
        Assert.True(status == 422, text);
        Assert.StartsWith(detail, json.GetProperty("detail").GetString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(files.Jobs));
    }

    [Fact]
    public async Task RecipeJob_ReadOnlyServer_Is403()
    {
        var files = Files("ro");
        await using FakeOpenAiServer llm = await RecipeServer.StartAsync();
        WebApplication app = await ServerFixture.StartAsync(f, Options(files, llm.Url, readOnly: true));
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var (status, json, _) = await Helpers.PostAsync(http, "/v1/jobs", """{"kind": "recipe", "recipe": "small", "data": "cranfield"}""");
        Assert.Equal(403, status);
        Assert.Equal("the server is read-only (--read-only): jobs are disabled", json.GetProperty("detail").GetString());
    }
}
