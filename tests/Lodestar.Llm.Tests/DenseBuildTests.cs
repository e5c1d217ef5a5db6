using System.Text.Json;
using Lodestar.Dense;
using Lodestar.Llm.Client;
using Lodestar.Llm.Embedding;
using Lodestar.Llm.Engine;

namespace Lodestar.Llm.Tests;

/// <summary>Remote embeddings over the real wire protocol, and resumable dense builds on the real engine.</summary>
public sealed class DenseBuildTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-densebuild-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Remote_embeddings_come_back_in_input_order_normalized_after_a_retried_503()
    {
        await using FakeOpenAiServer server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "unused"));
        using var embedder = new OpenAiEmbedder(new OpenAiClient(new EndpointOptions { BaseUrl = server.Url, Model = "bge", RetryDelay = TimeSpan.FromMilliseconds(10) }), batchSize: 3);
        string[] texts = ["banana", "kiwi", "avocado", "pie", "io"];
        float[][] vectors = await embedder.EmbedAsync(texts);
        Assert.Equal(5, vectors.Length);
        Assert.Equal(5, embedder.Dimension);
        for (int i = 0; i < texts.Length; i++)
        {
            float[] raw = FakeOpenAiServer.EmbeddingOf(texts[i]);
            double norm = Math.Sqrt(raw.Sum(x => (double)x * x));
            Assert.Equal(raw.Select(x => x / norm), vectors[i].Select(x => (double)x), new Tolerance(1e-6));
        }

        Assert.Equal(3, server.EmbeddingRequests); // 2 batches, one of them retried after the 503
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }

    /// <summary>The real engine, counting texts, and crashing (once armed) on its n-th call.</summary>
    private sealed class Crashing(IEmbedder inner, int crashOnCall) : IEmbedder
    {
        public int Calls { get; private set; }

        public int Texts { get; private set; }

        public string Model => inner.Model;

        public int Dimension => inner.Dimension;

        public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            if (++Calls == crashOnCall)
            {
                throw new IOException("simulated crash");
            }

            Texts += texts.Count;
            return inner.EmbedAsync(texts, cancellationToken);
        }

        public void Dispose()
        {
        }
    }

    [TinyModelFact]
    public async Task A_stopped_build_resumes_after_its_last_finished_chunk_and_equals_an_uninterrupted_one()
    {
        string corpus = Path.Combine(_dir, "corpus.jsonl");
        File.WriteAllLines(corpus, File.ReadLines(Path.Combine(Repo.Root, "data", "cranfield", "queries.jsonl")).Take(200)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(q => JsonSerializer.Serialize(new { _id = "d" + q.GetProperty("_id").GetString(), text = q.GetProperty("text").GetString() })));
        using LlamaModel model = LlamaModel.Load(Repo.TinyModel);
        using var engine = new LlamaEmbedder(model, Pooling.Mean, batchTokens: 1024);

        var crashing = new Crashing(engine, crashOnCall: 3);
        string stopped = Path.Combine(_dir, "stopped");
        await Assert.ThrowsAsync<IOException>(() => DenseIndexBuilder.BuildAsync(corpus, stopped, crashing, EmbeddingProfile.Plain, chunkSize: 64));
        Assert.False(Directory.Exists(stopped));                        // no half index
        Assert.Equal(2, Directory.GetFiles(stopped + ".embed-checkpoint", "chunk-*.bin").Length);

        var resuming = new Crashing(engine, crashOnCall: 0);
        DenseBuildSummary summary = await DenseIndexBuilder.BuildAsync(corpus, stopped, resuming, EmbeddingProfile.Plain, chunkSize: 64);
        Assert.Equal(200, summary.Documents);
        Assert.Equal(128, summary.Resumed);
        Assert.Equal(200 - 128, resuming.Texts);                         // finished chunks were not embedded again
        Assert.False(Directory.Exists(stopped + ".embed-checkpoint"));

        string fresh = Path.Combine(_dir, "fresh");
        await DenseIndexBuilder.BuildAsync(corpus, fresh, engine, EmbeddingProfile.Plain, chunkSize: 64);
        Assert.Equal(File.ReadAllBytes(Path.Combine(fresh, "vectors.f32")), File.ReadAllBytes(Path.Combine(stopped, "vectors.f32")));
        Assert.Equal(File.ReadAllText(Path.Combine(fresh, "ids.txt")), File.ReadAllText(Path.Combine(stopped, "ids.txt")));
        using VectorIndex index = VectorIndex.Open(stopped);
        Assert.Equal(200, index.Count);
        Assert.True(index.Header.Int8);

        // A checkpoint of another build is refused rather than mixed in.
        Directory.CreateDirectory(Path.Combine(_dir, "other.embed-checkpoint"));
        File.WriteAllText(Path.Combine(_dir, "other.embed-checkpoint", "manifest.json"), "{\"Model\":\"x\",\"Profile\":\"plain\",\"DocumentTemplate\":\"{text}\",\"ChunkSize\":64,\"Corpus\":\"/x\",\"CorpusBytes\":1}");
        var refused = await Assert.ThrowsAsync<Lodestar.Errors.InputException>(() => DenseIndexBuilder.BuildAsync(corpus, Path.Combine(_dir, "other"), engine, EmbeddingProfile.Plain, chunkSize: 64));
        Assert.Contains("expected the checkpoint of this build, found one of another build", refused.Message, StringComparison.Ordinal);
    }
}
