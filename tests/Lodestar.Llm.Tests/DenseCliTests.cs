using System.IO.Compression;

namespace Lodestar.Llm.Tests;

/// <summary>The dense and hybrid commands end to end, on the real engine and a small Cranfield slice.</summary>
public sealed class DenseCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-densecli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [TinyModelFact]
    public void Index_with_dense_then_dense_hybrid_and_fused_runs_evaluate()
    {
        string corpus = Path.Combine(_dir, "corpus.jsonl");
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(Repo.Root, "data", "cranfield", "corpus.jsonl.gz")), CompressionMode.Decompress))
        using (var reader = new StreamReader(gz))
        {
            File.WriteAllLines(corpus, Enumerable.Range(0, 150).Select(_ => reader.ReadLine()!));
        }

        string model = Repo.TinyModel;
        string queries = Path.Combine(Repo.Root, "data", "cranfield", "queries.jsonl");
        string qrels = Path.Combine(Repo.Root, "data", "cranfield", "qrels", "test.tsv");
        string index = Path.Combine(_dir, "index");
        var built = Repo.Cli("index", corpus, "-o", index, "--dense", model, "--chunk", "64");
        Assert.True(built.Code == 0, built.Err);
        Assert.Contains("embedded 150 documents (8 dimensions", built.Err);
        Assert.True(File.Exists(Path.Combine(index, "dense", "lodestar-vectors.json")));

        foreach ((string mode, string extra) in new[] { ("bm25", ""), ("dense", "int8"), ("hybrid", "minmax") })
        {
            string[] args = ["search", index, "--topics", queries, "--k", "100", "-o", Path.Combine(_dir, mode + ".run"), "--mode", mode];
            if (mode != "bm25")
            {
                args = [.. args, "--gguf", model];
            }

            if (mode == "dense")
            {
                args = [.. args, "--precision", extra];
            }

            if (mode == "hybrid")
            {
                args = [.. args, "--fusion", extra, "--weights", "0.7,0.3", "--depth", "100"];
            }

            var searched = Repo.Cli(args);
            Assert.True(searched.Code == 0, searched.Err);
            Assert.Equal(225, File.ReadLines(Path.Combine(_dir, mode + ".run")).Select(l => l.Split(' ')[0]).Distinct().Count());
        }

        var fused = Repo.Cli("fuse", Path.Combine(_dir, "bm25.run") + ":0.7", Path.Combine(_dir, "dense.run") + ":0.3", "--method", "rrf", "-o", Path.Combine(_dir, "rrf.run"));
        Assert.True(fused.Code == 0, fused.Err);
        var eval = Repo.Cli("eval", qrels, Path.Combine(_dir, "bm25.run"), Path.Combine(_dir, "hybrid.run"), Path.Combine(_dir, "rrf.run"), "-m", "ndcg_cut.10");
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("hybrid-minmax", eval.Out);
        Assert.Contains("fused-rrf", eval.Out);
    }

    [Fact]
    public void Missing_or_conflicting_model_options_are_usage_errors()
    {
        var neither = Repo.Cli("embed", Path.Combine(Repo.Root, "data", "cranfield", "corpus.jsonl.gz"), "-o", Path.Combine(_dir, "v"));
        Assert.Equal(2, neither.Code);
        Assert.Contains("give either --gguf MODEL", neither.Err);
        var notCached = Repo.Cli("embed", Path.Combine(Repo.Root, "data", "cranfield", "corpus.jsonl.gz"), "-o", Path.Combine(_dir, "v"), "--gguf", "hf:nobody/nothing/x.gguf");
        Assert.Equal(1, notCached.Code);
        Assert.Contains("run `lodestar models pull hf:nobody/nothing/x.gguf`", notCached.Err);
        Assert.False(Directory.Exists(Path.Combine(_dir, "v")));
    }
}
