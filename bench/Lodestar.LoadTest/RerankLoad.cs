using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lodestar.LoadTest;

/// <summary>The service's overhead on a rerank call: one client, one document per call, each document new (so no
/// judgment is found in the store and every call reaches the LLM), against the instant LLM. The baseline is the
/// same chat completion sent straight to the instant LLM; overhead = p50(rerank) − p50(direct).</summary>
internal static class RerankLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(args[0]);
        var llm = new Uri(args[1]);
        int requests = int.Parse(LoadRunner.Option(args, "--requests") ?? "3000", CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(double.Parse(LoadRunner.Option(args, "--duration") ?? "20", CultureInfo.InvariantCulture));
        string run = Guid.NewGuid().ToString("N")[..8];
        using HttpClient service = LoadRunner.Client(url, 1);
        using HttpClient direct = LoadRunner.Client(llm, 1);
        // A prompt of the size the service builds for a short document (the Retro* template is ~2.5 KB).
        string prompt = new('x', 2600);
        byte[] chat = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            model = "m", messages = new[] { new { role = "user", content = prompt } }, temperature = 0.6, top_p = 1.0, top_k = 40, seed = 42, max_tokens = 4096, n = 1,
        }));
        Func<int, Task<bool>> Rerank(string phase) => i => Post(service, "/v1/rerank", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            query = "what similarity laws must be obeyed when constructing aeroelastic models",
            documents = new[] { $"document {run}-{phase}-{i}: aeroelastic models of heated high speed aircraft" },
        })));
        Func<int, Task<bool>> Direct() => _ => Post(direct, "/v1/chat/completions", chat);

        await LoadRunner.RunAsync(1, Math.Min(500, requests), TimeSpan.FromSeconds(5), Direct());
        await LoadRunner.RunAsync(1, Math.Min(500, requests), TimeSpan.FromSeconds(5), Rerank("warm"));
        // Interleaved A/B rounds, so a slow moment of the shared machine hits both sides.
        var directP50 = new List<double>();
        var rerankP50 = new List<double>();
        for (int round = 0; round < 3; round++)
        {
            LoadResult a = await LoadRunner.RunAsync(1, requests / 3, duration / 3, Direct());
            LoadResult b = await LoadRunner.RunAsync(1, requests / 3, duration / 3, Rerank("r" + round));
            Console.WriteLine($"round {round}: direct LLM   {a}");
            Console.WriteLine($"round {round}: via /v1/rerank {b}");
            directP50.Add(a.P50Ms);
            rerankP50.Add(b.P50Ms);
        }

        double[] overhead = [.. rerankP50.Zip(directP50, (r, d) => r - d).Order()];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rerank overhead (p50 via service - p50 direct): min {overhead[0]:F3} ms, median {overhead[1]:F3} ms, max {overhead[2]:F3} ms"));
        return 0;
    }

    private static async Task<bool> Post(HttpClient http, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await http.PostAsync(path, content).ConfigureAwait(false);
        await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}
