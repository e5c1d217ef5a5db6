using Lodestar.Llm.Engine;

namespace Lodestar.Llm.Tests;

/// <summary>
/// How the embedded engine decodes (issue 18): a persistent threadpool, the shared prompt prefix kept between
/// requests, the thread count and the context cap it reports, on the tiny random-weight GGUF.
/// </summary>
public sealed class EngineDecodeTests : IClassFixture<EngineTests.TinyModel>
{
    private readonly EngineTests.TinyModel _tiny;

    public EngineDecodeTests(EngineTests.TinyModel tiny) => _tiny = tiny;

    private int[] Prompt(string text) => [_tiny.Model.Bos, .. _tiny.Model.Tokenize(text)];

    [TinyModelFact]
    public void A_persistent_threadpool_is_attached_with_the_threads_asked_for()
    {
        using var generator = new LlamaGenerator(_tiny.Model, contextSize: 256, maxSequences: 1, threads: 2);
        Assert.True(generator.HasThreadpool, "no ggml threadpool: the CPU backend would start threads for every decoded token");
        Assert.Equal(2, generator.Threads);
        using var embedder = new LlamaEmbedder(_tiny.Model, threads: 1);
        Assert.Equal(1, embedder.Threads);
    }

    [TinyModelFact]
    public void The_shared_prompt_prefix_is_decoded_once_and_answers_equal_a_fresh_context()
    {
        const string shared = "Judge whether the document answers the query. Query: why are insects drawn to light at night? Document: ";
        int[] first = Prompt(shared + "Moths navigate by the moon.");
        int[] second = Prompt(shared + "Hash maps give constant time lookups.");
        int common = first.AsSpan().CommonPrefixLength(second);
        Assert.True(common > 20, $"the two prompts share {common} tokens");
        var sampling = new Sampling(Temperature: 0, MaxTokens: 12);

        using var reusing = new LlamaGenerator(_tiny.Model, contextSize: 512, maxSequences: 3);
        reusing.Generate(first, 3, sampling);
        Assert.Equal(first.Length, reusing.PromptTokensDecoded);
        (List<Generated> answers, _) = reusing.Generate(second, 3, sampling);
        Assert.Equal(first.Length + second.Length - common, reusing.PromptTokensDecoded);
        Assert.Equal(common, reusing.PromptTokensReused);

        // The same prompt again keeps all but its last token (decoded again for its logits).
        (List<Generated> again, _) = reusing.Generate(second, 1, sampling);
        Assert.Equal(common + second.Length - 1, reusing.PromptTokensReused);

        using var fresh = new LlamaGenerator(_tiny.Model, contextSize: 512, maxSequences: 3);
        (List<Generated> expected, _) = fresh.Generate(second, 3, sampling);
        Assert.Equal(expected.Select(a => a.Text), answers.Select(a => a.Text));
        Assert.Equal(expected[0].Text, again[0].Text);
        Assert.All(answers, a => Assert.Equal(12, a.Tokens));
    }

    [TinyModelFact]
    public void Seeded_samples_with_a_reused_prefix_equal_those_of_a_fresh_context()
    {
        var sampling = new Sampling(Temperature: 1.0, TopP: 0.95, TopK: 40, Seed: 42, MaxTokens: 10);
        int[] other = Prompt("Why are insects drawn to light? Consider moths.");
        int[] prompt = Prompt("Why are insects drawn to light? Consider lamps.");
        using var reusing = new LlamaGenerator(_tiny.Model, contextSize: 512, maxSequences: 4);
        reusing.Generate(other, 4, sampling);
        (List<Generated> kept, _) = reusing.Generate(prompt, 4, sampling);
        Assert.True(reusing.PromptTokensReused > 5);
        using var fresh = new LlamaGenerator(_tiny.Model, contextSize: 512, maxSequences: 4);
        (List<Generated> expected, _) = fresh.Generate(prompt, 4, sampling);
        Assert.Equal(expected.Select(a => a.Text), kept.Select(a => a.Text));
    }

    [TinyModelFact]
    public void A_context_beyond_the_trained_one_is_capped_and_says_so()
    {
        using var capped = new LlamaChatClient(_tiny.Model, new LlamaChatOptions(ContextSize: 8192, MaxSequences: 1, Threads: 1));
        Assert.True(capped.ContextCapped);
        Assert.Equal(4096, capped.ContextSize); // the tiny GGUF's trained context
        Assert.Equal(1, capped.Threads);
        using var within = new LlamaChatClient(_tiny.Model, new LlamaChatOptions(ContextSize: 1024, MaxSequences: 1));
        Assert.False(within.ContextCapped);
        Assert.Equal(1024, within.ContextSize);
    }

    [Fact]
    public void A_negative_thread_count_is_a_usage_error()
    {
        var rerank = Repo.Cli("rerank", "--index", "i", "--topics", "t", "--run", "r", "-o", "o", "--gguf", "m.gguf", "--threads", "-1");
        Assert.Equal(2, rerank.Code);
        Assert.Contains("--threads must be between 0 and 4096, found -1", rerank.Err);
        var embed = Repo.Cli("embed", "corpus.jsonl", "-o", "v", "--gguf", "m.gguf", "--threads", "-2");
        Assert.Equal(2, embed.Code);
        Assert.Contains("--threads must be between 0 and 4096, found -2", embed.Err);
    }
}
