using System.Text.Json;
using Lodestar.Llm.Client;
using Lodestar.Llm.Engine;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Microsoft.Extensions.AI;

namespace Lodestar.Llm.Tests;

/// <summary>A fact that needs the tiny GGUF in ../shared; skipped, with the reason, where it is absent.</summary>
public sealed class TinyModelFactAttribute : FactAttribute
{
    public TinyModelFactAttribute()
    {
        if (Repo.Shared is null)
        {
            Skip = "../shared (with models/llama-2-tiny-random.gguf) is not beside the repository";
        }
    }
}

/// <summary>
/// The embedded engine on the tiny random-weight GGUF: real llama.cpp, real inference. The oracles in
/// tests/fixtures/llama were made by llama.cpp itself through node-llama-cpp (make-golden.sh).
/// </summary>
public sealed class EngineTests : IClassFixture<EngineTests.TinyModel>
{
    /// <summary>Loads the model once for the class.</summary>
    public sealed class TinyModel : IDisposable
    {
        private readonly Lazy<LlamaModel> _model = new(() => LlamaModel.Load(Repo.TinyModel));

        public LlamaModel Model => _model.Value;

        public void Dispose()
        {
            if (_model.IsValueCreated)
            {
                _model.Value.Dispose();
            }
        }
    }

    private readonly TinyModel _tiny;

    public EngineTests(TinyModel tiny) => _tiny = tiny;

    private static string Fixture(string name) => Path.Combine(Repo.Root, "tests", "fixtures", "llama", name);

    [TinyModelFact]
    public void Model_loads_with_its_metadata()
    {
        LlamaModel model = _tiny.Model;
        Assert.Equal("llama", model.Metadata["general.architecture"]);
        Assert.Equal(8, model.EmbeddingSize);
        Assert.Equal(4096, model.TrainContext);
        Assert.Equal(32000, model.VocabularySize);
        Assert.Equal(1, model.Bos);
        Assert.StartsWith(LlamaLibrary.ApiVersion, LlamaLibrary.Version);
    }

    [TinyModelFact]
    public void Tokenization_equals_llama_cpp_on_270_texts()
    {
        int checkedTexts = 0;
        foreach (string line in File.ReadLines(Fixture("tokenize.jsonl")))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            string text = doc.RootElement.GetProperty("text").GetString()!;
            int[] expected = [.. doc.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32())];
            int[] tokens = _tiny.Model.Tokenize(text);
            Assert.True(expected.SequenceEqual(tokens), $"tokens of {JsonSerializer.Serialize(text)}: [{string.Join(',', tokens)}], llama.cpp [{string.Join(',', expected)}]");
            Assert.Equal(doc.RootElement.GetProperty("detokenized").GetString(), _tiny.Model.Detokenize(tokens));
            checkedTexts++;
        }

        Assert.Equal(270, checkedTexts);
    }

    [TinyModelFact]
    public void Greedy_generation_equals_llama_cpp()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Fixture("greedy.json")));
        using var generator = new LlamaGenerator(_tiny.Model, contextSize: 256, maxSequences: 2);
        foreach (JsonElement case_ in doc.RootElement.GetProperty("greedy").EnumerateArray())
        {
            int[] prompt = [.. case_.GetProperty("prompt").EnumerateArray().Select(t => t.GetInt32())];
            int[] expected = [.. case_.GetProperty("generated").EnumerateArray().Select(t => t.GetInt32())];
            Assert.Equal(prompt, (int[])[_tiny.Model.Bos, .. _tiny.Model.Tokenize(case_.GetProperty("text").GetString()!)]);
            (List<Generated> samples, _) = generator.Generate(prompt, 2, new Sampling(Temperature: 0, MaxTokens: expected.Length));
            Assert.All(samples, s => Assert.Equal(_tiny.Model.Detokenize(expected), s.Text)); // both parallel sequences
            Assert.All(samples, s => Assert.Equal(expected.Length, s.Tokens));
        }
    }

    [TinyModelFact]
    public void Sampling_is_deterministic_for_a_seed_and_differs_across_seeds()
    {
        using var generator = new LlamaGenerator(_tiny.Model, contextSize: 512, maxSequences: 4);
        int[] prompt = [_tiny.Model.Bos, .. _tiny.Model.Tokenize("Why are insects drawn to light?")];
        var sampling = new Sampling(Temperature: 1.0, TopP: 0.95, TopK: 40, Seed: 42, MaxTokens: 20);
        (List<Generated> first, _) = generator.Generate(prompt, 4, sampling);
        (List<Generated> again, _) = generator.Generate(prompt, 4, sampling);
        Assert.Equal(first.Select(s => s.Text), again.Select(s => s.Text));
        Assert.True(first.Select(s => s.Text).Distinct().Count() > 1, "four seeds, four samples: not all the same");
        (List<Generated> other, _) = generator.Generate(prompt, 4, sampling with { Seed = 7 });
        Assert.NotEqual(first.Select(s => s.Text), other.Select(s => s.Text));
    }

    [TinyModelFact]
    public void Stop_strings_and_the_token_limit_end_an_answer()
    {
        using var generator = new LlamaGenerator(_tiny.Model, contextSize: 256, maxSequences: 1);
        int[] prompt = [_tiny.Model.Bos, .. _tiny.Model.Tokenize("Why are insects drawn to light?")];
        (List<Generated> full, _) = generator.Generate(prompt, 1, new Sampling(Temperature: 0, MaxTokens: 24));
        Assert.Equal("length", full[0].FinishReason);
        string stop = full[0].Text.Substring(10, 4);
        (List<Generated> cut, _) = generator.Generate(prompt, 1, new Sampling(Temperature: 0, MaxTokens: 24, Stop: [stop]));
        Assert.Equal("stop", cut[0].FinishReason);
        Assert.Equal(full[0].Text[..full[0].Text.IndexOf(stop, StringComparison.Ordinal)], cut[0].Text);
    }

    [TinyModelFact]
    public void Embeddings_have_the_model_dimension_and_do_not_depend_on_the_batch()
    {
        string[] texts = [.. File.ReadLines(Path.Combine(Repo.Root, "data", "cranfield", "queries.jsonl")).Take(40)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)];
        foreach (Embedding.Pooling pooling in new[] { Embedding.Pooling.Mean, Embedding.Pooling.Last, Embedding.Pooling.Cls })
        {
            using var batched = new LlamaEmbedder(_tiny.Model, pooling, batchTokens: 2048, sequences: 32);
            using var single = new LlamaEmbedder(_tiny.Model, pooling, batchTokens: 512, sequences: 1);
            float[][] many = batched.Embed(texts);
            float[][] one = single.Embed(texts);
            Assert.Equal(texts.Length, many.Length);
            for (int i = 0; i < texts.Length; i++)
            {
                Assert.Equal(8, many[i].Length);
                Assert.Equal(1.0, Math.Sqrt(many[i].Sum(x => (double)x * x)), 1e-5);
                for (int d = 0; d < 8; d++)
                {
                    Assert.True(Math.Abs(many[i][d] - one[i][d]) <= 1e-5, $"{pooling}, text {i}, dim {d}: {many[i][d]} batched vs {one[i][d]} alone");
                }
            }

            // A causal model's first token is BOS for every text, so CLS pooling gives one vector; the others differ.
            Assert.Equal(pooling == Embedding.Pooling.Cls ? 1 : texts.Length, many.Select(v => string.Join(',', v)).Distinct().Count());
        }
    }

    [TinyModelFact]
    public async Task Retro_star_runs_end_to_end_through_the_embedded_engine_and_counts_unparseable_answers()
    {
        string dir = Directory.CreateTempSubdirectory("lodestar-engine-").FullName;
        try
        {
            using var client = new LlamaChatClient(_tiny.Model, new LlamaChatOptions(ContextSize: 4096, MaxSequences: 2));
            Assert.Equal(ChatFormat.ChatMl, client.Format); // the tiny GGUF stores no template
            using var store = new JudgmentStore(Path.Combine(dir, "judgments.sqlite"));
            var topics = new List<Topic> { new("q1", "Why are insects drawn to light?"), new("q2", "two sum in linear time") };
            var firstStage = new Run("bm25");
            firstStage.Set("q1", [new Hit("d1", 3), new Hit("d2", 2), new Hit("d3", 1)]);
            firstStage.Set("q2", [new Hit("d2", 2), new Hit("d3", 1)]);
            var docs = new Dictionary<string, string> { ["d1"] = "Moths navigate by the moon.", ["d2"] = "Hash maps give O(1) lookups.", ["d3"] = "Light pollution." };
            var options = new RerankOptions { Top = 3, Samples = 2, MaxTokens = 16, Temperature = 0.8, Seed = 1 };
            (Run run, RerankSummary summary) = await new RetroStarReranker(client, store, options).RerankAsync(topics, firstStage, d => docs.GetValueOrDefault(d));
            Assert.Equal(5, summary.Pairs);
            Assert.Equal(10, summary.Requested);            // 5 pairs x K=2, through llama.cpp
            Assert.Equal(10, summary.Unparseable);          // random weights never write <score>N</score>
            Assert.Equal(5, summary.Unscored);              // so no pair gets a score: never a made-up one
            Assert.Equal(["d1", "d2", "d3"], run["q1"].Select(h => h.DocId)); // unscored pairs keep the first-stage order
            List<Judgment> stored = store.All();
            Assert.Equal(10, stored.Count);
            Assert.All(stored, j => Assert.Equal("llama-2-tiny-random", j.Model));
            Assert.All(stored, j => Assert.Null(j.Score));

            // A rerun asks llama.cpp for nothing: every sample is in the store.
            (_, RerankSummary again) = await new RetroStarReranker(client, store, options).RerankAsync(topics, firstStage, d => docs.GetValueOrDefault(d));
            Assert.Equal(0, again.Requested);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TinyModelFact]
    public void Chat_formats_render_the_families_exactly()
    {
        (string, string)[] messages = [("system", "Be brief."), ("user", "Is it relevant?")];
        // The tiny GGUF stores no template: plain ChatML, the bytes llama-server's chatml sends (no empty think block).
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nIs it relevant?<|im_end|>\n<|im_start|>assistant\n",
            ChatTemplates.Render(ChatFormat.ChatMl, _tiny.Model, messages, enableThinking: false));
        Assert.EndsWith("<|im_start|>assistant\n", ChatTemplates.Render(ChatFormat.ChatMl, _tiny.Model, messages, enableThinking: true));
        Assert.Equal("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n" +
            "Is it relevant?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", ChatTemplates.Render(ChatFormat.Llama3, _tiny.Model, messages));
        Assert.Null(_tiny.Model.ChatTemplate);
        Assert.Equal(ChatFormat.ChatMl, ChatTemplates.Resolve(ChatFormat.Auto, _tiny.Model));
        LlamaException e = Assert.Throws<LlamaException>(() => ChatTemplates.Render(ChatFormat.Gguf, _tiny.Model, messages));
        Assert.Contains("stores no chat template", e.Message);
    }

    [Fact]
    public void A_missing_library_names_the_folders_searched_and_how_to_install()
    {
        string empty = Directory.CreateTempSubdirectory("lodestar-nolib-").FullName;
        try
        {
            LlamaException e = Assert.Throws<LlamaException>(() => LlamaLibrary.Locate(empty));
            Assert.Contains(empty, e.Message);
            Assert.Contains("scripts/setup-llama.sh", e.Message);
            Assert.Contains(LlamaLibrary.Package, e.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [TinyModelFact]
    public void A_file_that_is_not_gguf_is_refused_with_llama_cpp_s_reason()
    {
        string bad = Path.GetTempFileName();
        try
        {
            File.WriteAllText(bad, "not a gguf file at all");
            _ = _tiny.Model; // library loaded
            LlamaException e = Assert.Throws<LlamaException>(() => LlamaModel.Load(bad));
            Assert.StartsWith(bad, e.Message);
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
