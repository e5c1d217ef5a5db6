using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Llm.Tests;

/// <summary>`lodestar rerank` killed with SIGKILL five times at random points (after 40–180 new answers), resumed each time.</summary>
public sealed class RerankCrashTests : IDisposable
{
    private const int InFlight = 8;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lodestar-crash-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task KilledFiveTimes_ResumesToTheUninterruptedRun_WithoutAskingAgainForStoredSamples()
    {
        string root = Repo.Root;

        Directory.CreateDirectory(_dir);
        string index = Path.Combine(_dir, "index");
        IndexWriter.Build(Path.Combine(root, "data/cranfield/corpus.jsonl.gz"), index, new IndexBuildOptions());
        List<Topic> topics = [.. TopicReader.Read(Path.Combine(root, "data/cranfield/queries.jsonl")).Take(20)];
        string topicsFile = Path.Combine(_dir, "topics.tsv");
        File.WriteAllLines(topicsFile, topics.Select(t => $"{t.Id}\t{t.Text}"));
        using (IndexReader reader = IndexReader.Open(index))
        {
            TrecRunFormat.Write(Path.Combine(_dir, "bm25.txt"), new Searcher(reader, new Bm25Parameters()).Search(topics, 50));
        }

        var answered = new ConcurrentDictionary<string, int>();
        await using var server = await FakeOpenAiServer.StartAsync(async (ctx, _, body) =>
        {
            string prompt = FakeOpenAiServer.Json(body).GetProperty("messages")[0].GetProperty("content").GetString()!;
            await Task.Delay(15);
            int score = SHA256.HashData(Encoding.UTF8.GetBytes(prompt))[0] * 100 / 255;
            await FakeOpenAiServer.Answer(ctx, $"<score>{score}</score>");
            answered.AddOrUpdate(prompt, 1, (_, n) => n + 1);
        });

        string[] Args(string output) =>
        [
            "rerank", "--index", index, "--topics", topicsFile, "--run", Path.Combine(_dir, "bm25.txt"),
            "--endpoint", server.Url.ToString(), "--model", "retro-star", "--top", "50", "--in-flight", $"{InFlight}", "-o", output,
        ];

        Assert.Equal(0, await RunAsync(Args(Path.Combine(_dir, "reference.txt")), killWhen: null));
        int referenceRequests = server.Requests;
        Assert.Equal(1000, referenceRequests);
        answered.Clear();

        var random = new Random(11);
        int kills = 0;
        for (int i = 0; i < 5; i++)
        {
            // Kill after a random number of new answers (not after a time, which a loaded machine stretches).
            int target = server.Requests + random.Next(40, 180);
            if (await RunAsync(Args(Path.Combine(_dir, "crashed.txt")), killWhen: () => server.Requests >= target) != 0)
            {
                kills++;
            }
        }

        Assert.Equal(0, await RunAsync(Args(Path.Combine(_dir, "crashed.txt")), killWhen: null));
        Assert.Equal(5, kills);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "reference.txt")), File.ReadAllBytes(Path.Combine(_dir, "crashed.txt")));
        int crashRequests = server.Requests - referenceRequests;
        // Each pair was answered once, plus at most the requests in flight when a kill struck.
        Assert.Equal(1000, answered.Count);
        Assert.InRange(crashRequests, 1000, 1000 + (kills * InFlight));
        Assert.True(answered.Values.Count(n => n > 1) <= kills * InFlight);
    }

    /// <summary>Runs the CLI; 0 when it completed (any other completion fails the test), −9 when it was killed.</summary>
    private static async Task<int> RunAsync(string[] args, Func<bool>? killWhen)
    {
        (int code, string log) = await CliProcess.RunAsync(args, killWhen);
        Assert.True(code is 0 or -9, log);
        return code;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }
}
