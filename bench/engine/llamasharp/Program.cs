using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Lodestar.Llm.Embedding;

namespace LlamaSharpBench;

/// <summary>
/// <c>LlamaSharpBench lodestar|llamasharp GGUF THREADS [ROUNDS_IN_PROCESS]</c>: one binding, one process, the same
/// workload for both; prints one JSON line. Texts are Cranfield abstracts (data/cranfield, in the repository).
/// </summary>
/// <remarks>
/// Start-up: from process start to the first sampled token (model load, generation context, an 8-token prompt).
/// Prompt: two different 256-token prompts, each decoded from an empty sequence, the median (higher) taken.
/// Generation: 4 sequences sharing a 128-token prompt, 32 tokens each, temperature 0.8, sequence j seeded 42 + j,
/// one batch per step (prompt decoding outside the timing). Embeddings: 8 abstracts cut to 320
/// characters (~70 tokens), mean, last and CLS pooling, up to 32 texts per decode (2,048 tokens), a warm-up text first. Peak RSS: VmHWM at the end.
/// </remarks>
internal static class Program
{
    private const int ContextSize = 1024, Sequences = 4, PromptTokens = 256, GenPromptTokens = 128, GenTokens = 32, Texts = 8, TextChars = 320, BatchTokens = 2048;

    public static int Main(string[] args)
    {
        if (args.Length < 3 || args[0] is not ("lodestar" or "llamasharp"))
        {
            Console.Error.WriteLine("usage: LlamaSharpBench lodestar|llamasharp GGUF THREADS [prompt,generate,embed]");
            return 2;
        }

        DateTime started = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        string gguf = args[1];
        int threads = int.Parse(args[2], CultureInfo.InvariantCulture);
        string[] phases = args.Length > 3 ? args[3].Split(',') : ["prompt", "generate", "embed"];
        string[] abstracts = Abstracts("data/cranfield/corpus.jsonl.gz", 80);
        using ISide side = args[0] == "lodestar" ? new LodestarSide() : new LlamaSharpSide();
        var result = new Dictionary<string, object> { ["binding"] = args[0], ["gguf"] = Path.GetFileName(gguf), ["threads"] = threads, ["cores"] = Environment.ProcessorCount };

        var load = Stopwatch.StartNew();
        side.Load(gguf, threads, ContextSize, Sequences);
        result["load_s"] = load.Elapsed.TotalSeconds;
        side.FirstToken(Cut(side.Tokenize(abstracts[0]), 8));
        result["first_token_s"] = (DateTime.UtcNow - started).TotalSeconds;
        result["library"] = side.Library;

        var prompts = Enumerable.Range(0, 2).Select(r => Cut(side.Tokenize(string.Join(" ", abstracts.Skip(1 + (r * 8)).Take(8))), PromptTokens)).ToArray();
        result["prompt_token_sum"] = prompts.Sum(p => p.Sum(t => (long)t)); // the same tokens on both sides
        var promptRuns = new List<(double Rate, double Wall, double Cpu)>();
        foreach (int[] prompt in phases.Contains("prompt") ? prompts : [])
        {
            var meter = new Meter();
            int decoded = side.Prompt(prompt, meter);
            promptRuns.Add((decoded / meter.Wall, meter.Wall, meter.Cpu));
        }

        Put(result, "prompt", promptRuns);
        var genRuns = new List<(double Rate, double Wall, double Cpu)>();
        int[] genPrompt = Cut(side.Tokenize(string.Join(" ", abstracts.Skip(40).Take(6))), GenPromptTokens);
        for (int r = 0; r < (phases.Contains("generate") ? 1 : 0); r++)
        {
            var meter = new Meter();
            (int tokens, string[] heads) = side.Generate(genPrompt, Sequences, GenTokens, 0.8, 42, meter);
            genRuns.Add((tokens / meter.Wall, meter.Wall, meter.Cpu));
            result["gen_tokens"] = tokens;
            result["gen_heads"] = heads;
        }

        Put(result, "generate", genRuns);
        string[] texts = [.. abstracts.Skip(48).Take(Texts).Select(t => t.Length <= TextChars ? t : t[..TextChars])];
        result["embed_tokens"] = texts.Sum(t => side.Tokenize(t).Length);
        foreach (Pooling pooling in phases.Contains("embed") ? new[] { Pooling.Mean, Pooling.Last, Pooling.Cls } : [])
        {
            side.PrepareEmbeddings(pooling, BatchTokens, 32);
            side.Embed([abstracts[^1]]);
            var meter = new Meter();
            meter.Start();
            float[][] vectors = side.Embed(texts);
            meter.Stop();
            Put(result, "embed_" + pooling.ToString().ToLowerInvariant(), [(texts.Length / meter.Wall, meter.Wall, meter.Cpu)]);
            result["embed_" + pooling.ToString().ToLowerInvariant() + "_v0"] = vectors[0][..4];
        }

        if (side is LlamaSharpSide sharp && phases.Contains("embed"))
        {
            var meter = new Meter();
            int n = sharp.EmbedOneByOne(texts, BatchTokens, meter);
            Put(result, "embed_mean_llamaembedder", [(n / meter.Wall, meter.Wall, meter.Cpu)]);
        }

        string hwm = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        result["peak_rss_mib"] = long.Parse(hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>The first 40 characters of a sample, for seeing that sequences differ and the bindings agree.</summary>
    internal static string Head(string text) => text.Length <= 40 ? text : text[..40];

    private static void Put(Dictionary<string, object> result, string name, List<(double Rate, double Wall, double Cpu)> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        var ordered = runs.OrderBy(r => r.Rate).ToList();
        var median = ordered[ordered.Count / 2];
        result[name + "_rate"] = median.Rate;
        result[name + "_wall_s"] = median.Wall;
        result[name + "_cpu_s"] = median.Cpu;
    }

    private static int[] Cut(int[] tokens, int length) => tokens.Length <= length ? tokens : tokens[..length];

    private static string[] Abstracts(string path, int count)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var texts = new List<string>();
        while (texts.Count < count && reader.ReadLine() is string line)
        {
            using var doc = JsonDocument.Parse(line);
            texts.Add(doc.RootElement.GetProperty("text").GetString() ?? "");
        }

        return [.. texts];
    }
}
