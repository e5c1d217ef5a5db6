using System.Diagnostics;
using System.Net.Sockets;
using Lodestar.Llm.Client;
using Lodestar.Llm.Engine;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;

namespace Lodestar.Llm.Tests;

/// <summary>A fact that needs llama.cpp's own llama-server, built from node-llama-cpp 3.22.1's bundled source by
/// scripts/build-llama-peers.sh (scripts/test-real-llama-server.sh builds it and runs these), and the tiny GGUF.</summary>
public sealed class RealLlamaServerFactAttribute : FactAttribute
{
    public RealLlamaServerFactAttribute()
    {
        if (Repo.Shared is null)
        {
            Skip = "../shared (with models/llama-2-tiny-random.gguf) is not beside the repository";
        }
        else if (!File.Exists(RealLlamaServerTests.ServerPath))
        {
            Skip = $"{RealLlamaServerTests.ServerPath} is not built (run scripts/test-real-llama-server.sh: it builds llama-server from the bundled source, ~30 min on 2 cores, and runs these tests)";
        }
    }
}

/// <summary>
/// The client against a real llama-server on the tiny random-weight GGUF (issue 18): <c>/tokenize</c> in llama.cpp's
/// dialect so that <c>--max-prompt-tokens</c> cuts prompts, <c>n</c> &gt; 1 samples with their real seeds, and usage.
/// </summary>
public sealed class RealLlamaServerTests : IAsyncLifetime
{
    internal static string ServerPath => Path.Combine(Repo.Root, "tools", "llama-peers", "bin", "llama-server");

    private Process? _server;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ServerPath) || Repo.Shared is null)
        {
            return;
        }

        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var start = new ProcessStartInfo(ServerPath) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "-m", Repo.TinyModel, "-c", "1536", "-np", "3", "--kv-unified", "-t", "1", "--host", "127.0.0.1", "--port", $"{port}", "--alias", "tiny", "--no-webui" })
        {
            start.ArgumentList.Add(a);
        }

        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        _url = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = _url };
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromMinutes(2); await Task.Delay(100))
        {
            try
            {
                if ((await http.GetAsync("health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
        }

        throw new TimeoutException("llama-server did not become healthy");
    }

    public Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            _server.WaitForExit();
        }

        _server?.Dispose();
        return Task.CompletedTask;
    }

    private OpenAiClient Client() => new(new EndpointOptions { BaseUrl = _url, Model = "tiny", MaxRetries = 1, RequestTimeout = TimeSpan.FromMinutes(2), MaxInFlight = 3 });

    [RealLlamaServerFact]
    public async Task Tokenize_counts_what_llama_cpp_tokenizes()
    {
        using OpenAiClient client = Client();
        using LlamaModel model = LlamaModel.Load(Repo.TinyModel);
        const string text = "Why are insects drawn to artificial light at night? Moths navigate by the moon.";
        int? count = await client.CountTokensAsync(text);
        Assert.Equal(model.Tokenize(text, addSpecial: false, parseSpecial: true).Length, count);
        Assert.True(count > 10);
    }

    [RealLlamaServerFact]
    public async Task N_samples_are_seed_plus_index_and_the_first_carries_the_usage()
    {
        using OpenAiClient client = Client();
        ChatRequest Ask(int n, long seed) => new() { Messages = [("user", "Is the moon relevant to moths?")], N = n, Seed = seed, Temperature = 1.0, TopK = 40, MaxTokens = 12 };
        ChatResult three = await client.CompleteAsync(Ask(3, 42));
        Assert.Equal(3, three.Choices.Count);
        Assert.Equal([42L, 43L, 44L], three.Choices.Select(c => c.Seed!.Value));
        for (int j = 0; j < 3; j++)
        {
            // Each sample is what a single request with seed 42 + j draws: the seed recorded is the one used.
            ChatResult one = await client.CompleteAsync(Ask(1, 42 + j));
            Assert.Equal(one.Choices[0].Text, three.Choices[j].Text);
            if (j == 0)
            {
                Assert.Equal(one.CompletionTokens, three.Choices[0].Tokens); // the usage is the first choice's
            }
        }

        Assert.False(three.Choices[0].TokensEstimated);
        Assert.True(three.Choices[1].TokensEstimated && three.Choices[2].TokensEstimated);
        Assert.True(three.Choices.Sum(c => c.Tokens) > three.Choices[0].Tokens);
        Assert.True(three.PromptTokens > 5);
    }

    [RealLlamaServerFact]
    public async Task Max_prompt_tokens_cuts_a_long_document_so_that_no_request_overflows()
    {
        string dir = Directory.CreateTempSubdirectory("lodestar-real-server-").FullName;
        try
        {
            using var chat = new OpenAiChatClient(Client());
            using var store = new JudgmentStore(Path.Combine(dir, "j.sqlite"));
            var topics = new List<Topic> { new("q1", "Why are insects drawn to light?") };
            var run = new Run("bm25");
            run.Set("q1", [new Hit("long", 2), new Hit("short", 1)]);
            string longDoc = string.Concat(Enumerable.Repeat("Moths circle street lamps because they steer by keeping a light at a fixed angle. ", 60));
            var docs = new Dictionary<string, string> { ["long"] = longDoc, ["short"] = "Light pollution." };
            // The unified KV cache holds 1,536 tokens; Retro*'s frame with the query is ~520 tokens of Llama 2's vocabulary,
            // the short document adds a few and the long one ~1,000, so only the long one must be cut to fit 800.
            var options = new RerankOptions { Top = 2, Samples = 1, MaxTokens = 16, MaxPromptTokens = 800, Temperature = 0.6, Seed = 1 };
            (_, RerankSummary summary) = await new RetroStarReranker(chat, store, options).RerankAsync(topics, run, d => docs.GetValueOrDefault(d));
            Assert.Equal(0, summary.Failures.Values.Sum());
            Assert.Equal(1, summary.Truncated);
            Assert.Equal(2, summary.Requested);
            Assert.All(store.All(), j => Assert.True(j.PromptTokens <= 800 + 16, $"prompt of {j.PromptTokens} tokens"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
