using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Lodestar.Formats;
using Lodestar.Index;
using Lodestar.Llm.Judgments;
using Lodestar.Model;
using Lodestar.Search;

namespace Lodestar.Llm.Tests;

/// <summary>
/// Two and three `lodestar rerank` processes on one judgment store, against a server with faults (500s, dropped
/// connections, unparseable answers): no sample is paid for twice, and every process writes the run that a rerun
/// from the store alone gives (issue 11, item 14).
/// </summary>
public sealed class SharedStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-shared-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ProcessesOnOneStore_NeverAskTwice_AndWriteTheRunTheStoreGives(int processes)
    {
        string index = Path.Combine(_dir, "index");
        IndexWriter.Build(Path.Combine(Repo.Root, "data/cranfield/corpus.jsonl.gz"), index, new IndexBuildOptions());
        List<Topic> topics = [.. TopicReader.Read(Path.Combine(Repo.Root, "data/cranfield/queries.jsonl")).Take(6)];
        string topicsFile = Path.Combine(_dir, "topics.tsv");
        File.WriteAllLines(topicsFile, topics.Select(t => $"{t.Id}\t{t.Text}"));
        string firstStage = Path.Combine(_dir, "bm25.txt");
        using (IndexReader reader = IndexReader.Open(index))
        {
            TrecRunFormat.Write(firstStage, new Searcher(reader, new Bm25Parameters()).Search(topics, 10));
        }

        // Faults fixed by the request (prompt, seed): a tenth fail once with 500, a tenth drop the connection once,
        // a sixth answer without a score tag (so --resample draws another sample with the next seed).
        var attempts = new ConcurrentDictionary<string, int>();
        var answered = new ConcurrentDictionary<string, int>();
        await using var server = await FakeOpenAiServer.StartAsync(async (ctx, _, body) =>
        {
            var json = FakeOpenAiServer.Json(body);
            string key = json.GetProperty("messages")[0].GetProperty("content").GetString() + "|" + json.GetProperty("seed").GetInt64();
            byte h = SHA256.HashData(Encoding.UTF8.GetBytes(key))[0];
            int attempt = attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
            await Task.Delay(10);
            if (attempt == 1 && h % 10 == 0)
            {
                await FakeOpenAiServer.Status(ctx, 500, "transient");
                return;
            }

            if (attempt == 1 && h % 10 == 1)
            {
                await FakeOpenAiServer.Drop(ctx);
                return;
            }

            answered.AddOrUpdate(key, 1, (_, n) => n + 1);
            await FakeOpenAiServer.Answer(ctx, h % 6 == 2 ? "no tag here" : $"<score>{h * 100 / 255}</score>");
        });

        string store = Path.Combine(_dir, "shared.db");
        string[] Args(string output, string endpoint) =>
        [
            "rerank", "--index", index, "--topics", topicsFile, "--run", firstStage, "--endpoint", endpoint, "--model", "retro-star",
            "--top", "10", "--resample", "1", "--in-flight", "4", "--store", store, "-o", output,
        ];

        Task<(int Code, string Log)>[] runs = [.. Enumerable.Range(0, processes).Select(i => CliProcess.RunAsync(Args(Path.Combine(_dir, $"run{i}.txt"), server.Url.ToString())))];
        (int Code, string Log)[] done = await Task.WhenAll(runs);
        Assert.All(done, d => Assert.True(d.Code == 0, d.Log));

        // No answered request was asked twice, beyond requests repeated after an expired claim (none here: no kill).
        int takenOver = done.Sum(d => TakenOver(d.Log));
        Assert.Equal(0, takenOver);
        Assert.DoesNotContain(answered, kv => kv.Value > 1);
        int stored;
        using (var s = new JudgmentStore(store))
        {
            stored = (int)s.Stats().Samples;
        }

        Assert.Equal(answered.Count, stored);
        Assert.True(stored > 60, $"{stored} samples"); // 60 pairs, plus re-samples of unparseable answers

        // A rerun from the store asks nothing and writes the same bytes as every process did.
        int before = server.Requests;
        (int code, string log) = await CliProcess.RunAsync(Args(Path.Combine(_dir, "rerun.txt"), server.Url.ToString()));
        Assert.True(code == 0, log);
        Assert.Equal(before, server.Requests);
        byte[] expected = File.ReadAllBytes(Path.Combine(_dir, "rerun.txt"));
        for (int i = 0; i < processes; i++)
        {
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(_dir, $"run{i}.txt")));
        }
    }

    [Fact]
    public void Claim_IsExclusive_UntilReleasedOrExpired()
    {
        string path = Path.Combine(_dir, "claims.db");
        using var a = new JudgmentStore(path) { Lease = TimeSpan.FromMinutes(1) };
        using var b = new JudgmentStore(path) { Lease = TimeSpan.FromMinutes(1) };
        Assert.True(a.TryClaim("k1"));
        Assert.False(b.TryClaim("k1"));
        Assert.True(a.TryClaim("k1")); // its own claim
        a.Release("k1");
        Assert.True(b.TryClaim("k1"));
        Assert.False(a.TryClaim("k1"));
        b.Release("k1");

        a.Dispose(); // stops a's heartbeat and drops its claims
        using var c = new JudgmentStore(path) { Lease = TimeSpan.FromMinutes(1) };
        Assert.True(c.TryClaim("k2"));
        Assert.False(b.TryClaim("k2"));
        Assert.Equal(0, b.ClaimsTakenOver);
    }

    [Fact]
    public void ExpiredClaim_OfADeadOwner_IsTakenOver_AndCounted()
    {
        string path = Path.Combine(_dir, "expired.db");
        using var alive = new JudgmentStore(path);
        Assert.True(alive.TryClaim("setup")); // creates the claims table
        alive.Release("setup");
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        // A killed process's claim: nobody renews it. Still valid for a minute, then expired a second ago.
        SetClaim(path, "k", "dead-host:1:x", now + 60);
        Assert.False(alive.TryClaim("k"));
        SetClaim(path, "k", "dead-host:1:x", now - 1);
        Assert.True(alive.TryClaim("k"));
        Assert.Equal(1, alive.ClaimsTakenOver);
    }

    private static void SetClaim(string path, string key, string owner, double expires)
    {
        using var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "INSERT OR REPLACE INTO claims (key, owner, expires) VALUES ($k, $o, $e)";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$o", owner);
        cmd.Parameters.AddWithValue("$e", expires);
        cmd.ExecuteNonQuery();
    }

    private static int TakenOver(string log)
    {
        var m = System.Text.RegularExpressions.Regex.Match(log, "; ([0-9]+) expired claims of other processes taken over");
        return m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
