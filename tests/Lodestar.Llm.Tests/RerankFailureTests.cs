using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Llm.Tests;

/// <summary>A rerank that failed never looks like a success (issue 11, items 9 to 13).</summary>
public sealed class RerankFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-rerank-fail-").FullName;
    private readonly string _index;
    private readonly string _topics;
    private readonly string _run;

    public RerankFailureTests()
    {
        _index = Path.Combine(_dir, "index");
        IndexWriter.Build(Path.Combine(Repo.Root, "data/cranfield/corpus.jsonl.gz"), _index, new IndexBuildOptions());
        List<Topic> topics = [.. TopicReader.Read(Path.Combine(Repo.Root, "data/cranfield/queries.jsonl")).Take(5)];
        _topics = Path.Combine(_dir, "topics.tsv");
        File.WriteAllLines(_topics, topics.Select(t => $"{t.Id}\t{t.Text}"));
        _run = Path.Combine(_dir, "bm25.txt");
        using IndexReader reader = IndexReader.Open(_index);
        TrecRunFormat.Write(_run, new Searcher(reader, new Bm25Parameters()).Search(topics, 10));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Args(string endpoint, int top = 10, int inFlight = 4, params string[] more) =>
    [
        "rerank", "--index", _index, "--topics", _topics, "--run", _run, "--endpoint", endpoint, "--model", "retro-star",
        "--top", $"{top}", "--in-flight", $"{inFlight}", "-o", Path.Combine(_dir, "out.txt"), .. more,
    ];

    private string Store => Path.Combine(_dir, "out.txt.judgments.db");

    [Fact]
    public void ServerDown_ExitsOne_BeforeAnyStoreIsCreated()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        var (code, _, err) = Repo.Cli(Args($"http://127.0.0.1:{port}"));
        Assert.Equal(1, code);
        Assert.StartsWith($"lodestar: the endpoint check failed, so nothing was sent: http://127.0.0.1:{port}/v1/models (model retro-star): connection failed", err);
        Assert.False(File.Exists(Store));
        Assert.False(File.Exists(Path.Combine(_dir, "out.txt")));
    }

    [Fact]
    public async Task EveryRequestAnHttpError_StopsAtTheFailureBound_WithTheFirstStatusAndBody_AndKeepsTheStore()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Status(ctx, 400, "{\"error\":\"model 'retro-star' is not loaded\"}"));
        var (code, _, err) = Repo.Cli(Args(server.Url.ToString(), inFlight: 1, more: ["--max-failures", "3"]));
        Assert.Equal(1, code);
        string[] lines = err.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.True(lines.Length >= 2, err);
        Assert.Equal($"lodestar: stopped after 4 failed requests (more than --max-failures 3); the first: {server.Url}v1/chat/completions (model retro-star): HTTP 400: {{\"error\":\"model 'retro-star' is not loaded\"}}", lines[^2]);
        Assert.StartsWith($"lodestar: the samples answered so far are kept in {Store}; resume with: lodestar rerank --index ", lines[^1]);
        Assert.Equal(4, server.Requests); // one in flight: the request past the bound is the last
        Assert.True(File.Exists(Store));
        Assert.False(File.Exists(Path.Combine(_dir, "out.txt")));
    }

    [Fact]
    public async Task Summary_CountsRetriedAttemptsByKind_AndTheTimeSpentWaiting()
    {
        var attempts = new Dictionary<string, int>();
        var served = new Dictionary<string, int>();
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, body) =>
        {
            string prompt = FakeOpenAiServer.Json(body).GetProperty("messages")[0].GetProperty("content").GetString()!;
            string kind;
            lock (attempts)
            {
                int attempt = attempts[prompt] = attempts.GetValueOrDefault(prompt) + 1;
                // Each prompt's first attempt fails, in turn with 500, 429, a dropped connection and a malformed body.
                kind = attempt > 1 ? "ok" : new[] { "HTTP 500", "HTTP 429", "dropped connection", "unparseable response" }[(attempts.Count - 1) % 4];
                served[kind] = served.GetValueOrDefault(kind) + 1;
            }

            return kind switch
            {
                "ok" => FakeOpenAiServer.Answer(ctx, "<score>50</score>"),
                "HTTP 500" => FakeOpenAiServer.Status(ctx, 500, "boom"),
                "HTTP 429" => FakeOpenAiServer.Status(ctx, 429, "slow down"),
                "dropped connection" => FakeOpenAiServer.Drop(ctx),
                _ => FakeOpenAiServer.Malformed(ctx),
            };
        });
        var (code, _, err) = Repo.Cli(Args(server.Url.ToString(), top: 2, inFlight: 8));
        Assert.True(code == 0, err);
        Assert.Equal(10, served["ok"]);
        string expected = string.Join(", ", served.Where(kv => kv.Key != "ok").OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
        Assert.Equal(4, served.Count - 1);
        Assert.Matches($@"; retried {expected} \([0-9]+\.[0-9] s waiting\);", err);
        Assert.Contains("failures none;", err);
    }

    [Fact]
    public async Task TopicsOfTheRunMissingFromTopics_AreAnError_WithTheCountAndIds()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "<score>50</score>"));
        string[] all = File.ReadAllLines(_topics);
        File.WriteAllLines(_topics, all.Take(2));
        string[] missing = [.. all.Skip(2).Select(l => l.Split('\t')[0])];
        var (code, _, err) = Repo.Cli(Args(server.Url.ToString()));
        Assert.Equal(1, code);
        Assert.Equal($"{_topics}: expected every topic of {_run}, found 3 of its 5 topics missing: {string.Join(", ", missing)}\n", err.ReplaceLineEndings("\n"));
        Assert.Equal(0, server.Requests);
        Assert.False(File.Exists(Store));
    }

    [Fact]
    public async Task CtrlC_ExitsWith130_AndSaysTheRunResumesFromItsStore_WithTheCommand()
    {
        await using var server = await FakeOpenAiServer.StartAsync(async (ctx, _, _) =>
        {
            await Task.Delay(100, ctx.RequestAborted);
            await FakeOpenAiServer.Answer(ctx, "<score>50</score>");
        });
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(typeof(Cli.Cli).Assembly.Location);
        foreach (string a in Args(server.Url.ToString(), inFlight: 1))
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> err = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (server.Requests < 3 && clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(10);
        }

        using (Process kill = Process.Start("kill", $"-INT {process.Id}")!)
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync();
        string log = await err;
        Assert.True(process.ExitCode == 130, log);
        Assert.Contains($"lodestar: stopped; the samples answered so far are kept in {Store}; resume with: lodestar rerank --index {_index} ", log);
        Assert.True(File.Exists(Store));
    }
}
