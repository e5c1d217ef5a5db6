using Lodestar.Index;
using Lodestar.Llm.Client;
using Lodestar.Llm.Tests;
using Microsoft.AspNetCore.Builder;

namespace Lodestar.Server.Tests;

/// <summary>Cranfield indexed once, a fake Retro* model on 127.0.0.1, and Lodestar's server on a free port.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "lodestar-serve-" + Guid.NewGuid().ToString("N")[..8]);

    public string IndexPath => Path.Combine(Dir, "cranfield");

    internal FakeOpenAiServer Llm { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public Uri Url { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Dir);
        string root = Helpers.RepoRoot();
        IndexWriter.Build(Path.Combine(root, "data/cranfield/corpus.jsonl.gz"), IndexPath, new IndexBuildOptions());
        Llm = await FakeOpenAiServer.StartAsync((ctx, _, body) => FakeRetroStar.Answer(ctx, body));
        App = await StartAsync(this, new ServerOptions
        {
            Indexes = [("cranfield", IndexPath)],
            Chat = ChatFor(Llm.Url),
            StorePath = Path.Combine(Dir, "judgments.db"),
            TopicsPath = Path.Combine(root, "data/cranfield/queries.jsonl"),
            QrelsPath = Path.Combine(root, "data/cranfield/qrels/test.tsv"),
        });
        Url = new Uri(App.Urls.First());
        Http = new HttpClient { BaseAddress = Url };
    }

    internal static OpenAiChatClient ChatFor(Uri llm, int retries = 0, TimeSpan? timeout = null) => new(new OpenAiClient(new EndpointOptions
    {
        BaseUrl = llm,
        Model = "retro-star",
        MaxRetries = retries,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        RequestTimeout = timeout ?? TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        MaxInFlight = 16,
    }));

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    public static async Task<WebApplication> StartAsync(ServerFixture f, ServerOptions options)
    {
        WebApplication app = LodestarServer.Build(options with { Urls = ["http://127.0.0.1:0"] }, logging: l => { });
        await app.StartAsync();
        return app;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Llm.DisposeAsync();
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
            // a reader may still hold a file on a slow shutdown; the folder is in the temp directory
        }
    }
}
