using Lodestar.Formats;
using Lodestar.Llm.Client;
using Lodestar.Tokenizers;
using Microsoft.Extensions.AI;

namespace Lodestar.Llm.Tests;

/// <summary>
/// Token counting without a server: the encodings Microsoft.ML.Tokenizers ships, the tiny GGUF's own (Llama 2)
/// vocabulary through llama.cpp, the character estimate, the fallback behind <see cref="ITokenCounter"/> and the
/// error summary. The pinned BRIGHT totals are the figures of docs/decisions/token-counting.md.
/// </summary>
public class TokenCounterTests
{
    private const string Sentence = "Why does the tokenizer split 'photosynthesis' differently from GPT-4o?";

    /// <summary>The tiktoken counts agree with OpenAI's encodings as js-tiktoken 1.x (npm) computes them.</summary>
    [Theory]
    [InlineData("chars", "hello world", 3)]
    [InlineData("cl100k", "hello world", 2)]
    [InlineData("o200k", "hello world", 2)]
    [InlineData("chars", Sentence, 18)]
    [InlineData("cl100k", Sentence, 17)]
    [InlineData("o200k", Sentence, 16)]
    [InlineData("model:gpt-4o", Sentence, 16)]
    [InlineData("cl100k", "", 0)]
    public void Count_KnownVocabularies_ArePinned(string spec, string text, int expected)
    {
        using LocalTokenCounter counter = LocalTokenCounter.Open(spec);
        Assert.Equal(expected, counter.Count(text));
    }

    [Fact]
    public void Open_UnknownSpec_NamesTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => LocalTokenCounter.Open("bert"));
        Assert.Equal("unknown tokenizer 'bert', expected chars, cl100k, o200k, model:NAME, FILE.gguf or FILE.model", e.Message);
        Assert.Throws<FileNotFoundException>(() => LocalTokenCounter.Open("missing/tokenizer.model"));
        Assert.Null(MlTokenCounter.ForModel("Qwen/Qwen3-8B"));
    }

    [TinyModelFact]
    public void Gguf_CountsWithTheModelsOwnVocabulary()
    {
        using LocalTokenCounter gguf = LocalTokenCounter.Open(Repo.TinyModel);
        Assert.Equal("llama-2-tiny-random.gguf", gguf.Name);
        Assert.Equal(2, gguf.Count("hello world")); // ▁hello ▁world
        Assert.Equal(20, gguf.Count(Sentence));
    }

    /// <summary>The table's totals for BRIGHT biology's 103 queries.</summary>
    [TinyModelFact]
    public void BrightBiology_Totals_MatchTheDecisionTable()
    {
        List<string> queries = [.. TopicReader.Read(Path.Combine(Repo.Shared!, "data", "bright", "biology", "examples.jsonl.gz")).Select(t => t.Text)];
        int Total(string spec)
        {
            using LocalTokenCounter c = LocalTokenCounter.Open(spec);
            return queries.Sum(c.Count);
        }

        Assert.Equal(103, queries.Count);
        Assert.Equal((13_173, 13_508, 11_527, 11_338), (Total(Repo.TinyModel), Total("chars"), Total("cl100k"), Total("o200k")));
    }

    [Fact]
    public async Task Fallback_ServerWithoutTokenize_ProbesOnceThenCountsLocally()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "x"));
        using var client = new TokenCountingChatClient(new OpenAiChatClient(new OpenAiClient(new EndpointOptions { BaseUrl = server.Url, Model = "m" })),
            LocalTokenCounter.Open("cl100k"));
        ITokenCounter counter = Assert.IsAssignableFrom<ITokenCounter>(((IChatClient)client).GetService(typeof(ITokenCounter)));

        Assert.Equal(17, await counter.CountTokensAsync(Sentence));
        Assert.Equal(2, await counter.CountTokensAsync("hello world"));
        Assert.True(client.CountsLocally);
        Assert.Equal(1, server.Paths.GetValueOrDefault("/tokenize"));
    }

    [Fact]
    public async Task Fallback_ServerWithTokenize_CountsOnTheServer()
    {
        await using var server = await FakeOpenAiServer.StartAsync((ctx, _, _) => FakeOpenAiServer.Answer(ctx, "x"), tokenize: true);
        using var client = new TokenCountingChatClient(new OpenAiChatClient(new OpenAiClient(new EndpointOptions { BaseUrl = server.Url, Model = "m" })),
            LocalTokenCounter.Open("cl100k"));

        Assert.Equal(9, await client.CountTokensAsync(Sentence)); // the fake server counts words
        Assert.False(client.CountsLocally);
    }

    [Fact]
    public void Error_Of_IsRelativeToTheReference()
    {
        TokenCountError e = TokenCountError.Of("m", "r", [5, 10, 7, 12], [4, 10, 0, 16]);

        Assert.Equal((3, 27L, 30L), (e.Texts, e.Tokens, e.ReferenceTokens)); // a text with no reference token is left out
        Assert.Equal(0.9, e.TotalRatio, 12);
        Assert.Equal(0.0, e.MeanSigned, 12);
        Assert.Equal(1.0 / 6, e.MeanAbsolute, 12);
        Assert.Equal((0.25, 0.25, 0.25), (e.MedianAbsolute, e.P95Absolute, e.MaxAbsolute));
        Assert.Equal(1.0 / 3, e.Within10Percent, 12);
    }

    [Fact]
    public void Cli_Tokens_PrintsTheComparisonTable()
    {
        string dir = Directory.CreateTempSubdirectory("lodestar-tokens-").FullName;
        try
        {
            string queries = Path.Combine(dir, "queries.jsonl");
            File.WriteAllText(queries, $"{{\"_id\":\"1\",\"text\":\"hello world\"}}\n{{\"_id\":\"2\",\"text\":\"{Sentence}\"}}\n");
            (int code, string stdout, string stderr) = Repo.Cli("tokens", queries, "-t", "cl100k", "-t", "chars", "-t", "o200k");

            Assert.Equal((0, ""), (code, stderr));
            Assert.Equal(
                """
                2 texts; reference: cl100k_base

                | tokenizer | tokens | total / reference | mean error (signed) | mean abs. error | median abs. error | p95 abs. error | max abs. error | within 10% |
                |---|---:|---:|---:|---:|---:|---:|---:|---:|
                | cl100k_base | 19 | 1.000 | 0.0% | 0.0% | 0.0% | 0.0% | 0.0% | 100.0% |
                | chars/4 | 21 | 1.105 | +27.9% | 27.9% | 27.9% | 50.0% | 50.0% | 50.0% |
                | o200k_base | 18 | 0.947 | -2.9% | 2.9% | 2.9% | 5.9% | 5.9% | 100.0% |

                """.ReplaceLineEndings("\n"), stdout.ReplaceLineEndings("\n"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
