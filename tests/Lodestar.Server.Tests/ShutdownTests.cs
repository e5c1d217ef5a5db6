using Lodestar.Llm.Judgments;
using Lodestar.Llm.Tests;
using Microsoft.AspNetCore.Builder;

namespace Lodestar.Server.Tests;

/// <summary>Graceful shutdown: a rerank in flight when the server is stopped finishes, and its samples are stored.</summary>
public sealed class ShutdownTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Stop_WhileRerankInFlight_RequestFinishesAndSamplesAreStored()
    {
        var release = new TaskCompletionSource();
        await using var slow = await FakeOpenAiServer.StartAsync(async (ctx, _, body) =>
        {
            await release.Task;
            await FakeRetroStar.Answer(ctx, body);
        });
        string store = Path.Combine(f.Dir, "shutdown.db");
        WebApplication app = await ServerFixture.StartAsync(f, new ServerOptions
        {
            Indexes = [("cranfield", f.IndexPath)],
            Chat = ServerFixture.ChatFor(slow.Url),
            StorePath = store,
            ShutdownTimeout = TimeSpan.FromSeconds(20),
        });
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        Task<(int Status, System.Text.Json.JsonElement Json, string Text)> call =
            Helpers.PostAsync(http, "/v1/rerank", """{"query": "wing flutter", "documents": ["flutter of a wing", "heat"], "samples": 2}""");
        while (slow.Requests < 2)
        {
            await Task.Delay(10);
        }

        Task stopping = app.StopAsync();
        await Task.Delay(300);
        Assert.False(stopping.IsCompleted); // waits for the request in flight
        release.SetResult();
        var (status, json, text) = await call;
        await stopping;
        await app.DisposeAsync();

        Assert.True(status == 200, text);
        Assert.Equal(4, json.GetProperty("lodestar").GetProperty("requested").GetInt64());
        using var reopened = new JudgmentStore(store);
        Assert.Equal(4, reopened.Stats().Samples);
    }
}
