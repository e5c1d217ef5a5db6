using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lodestar.LoadTest;

/// <summary>POST /v1/search (BM25) with the queries of a BEIR queries.jsonl, round-robin, at each client count.</summary>
internal static class SearchLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(args[0]);
        string index = args[1];
        int[] clients = [.. (LoadRunner.Option(args, "--clients") ?? "1,8,64").Split(',').Select(int.Parse)];
        int requests = int.Parse(LoadRunner.Option(args, "--requests") ?? "20000", CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(double.Parse(LoadRunner.Option(args, "--duration") ?? "20", CultureInfo.InvariantCulture));
        int k = int.Parse(LoadRunner.Option(args, "--k") ?? "10", CultureInfo.InvariantCulture);
        byte[][] bodies = [.. File.ReadLines(args[2]).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)
            .Select(q => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { index, query = q, k })))];
        Console.WriteLine($"search load: {bodies.Length} queries (k={k}) round-robin, at most {requests:N0} requests or {duration.TotalSeconds:F0} s per level, {Environment.ProcessorCount} cores seen");
        foreach (int c in clients)
        {
            using HttpClient http = LoadRunner.Client(url, c);
            // Warm up: JIT, connections, postings cache.
            await LoadRunner.RunAsync(c, Math.Min(2000, requests), TimeSpan.FromSeconds(5), i => Send(http, bodies[i % bodies.Length]));
            LoadResult result = await LoadRunner.RunAsync(c, requests, duration, i => Send(http, bodies[i % bodies.Length]));
            Console.WriteLine(result);
        }

        return 0;
    }

    private static async Task<bool> Send(HttpClient http, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await http.PostAsync("/v1/search", content).ConfigureAwait(false);
        await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}
