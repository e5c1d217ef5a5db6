using System.CommandLine;
using System.Globalization;
using Lodestar.Datasets;
using Lodestar.Hub;
using Lodestar.Llm.Client;
using Lodestar.Llm.Embedding;
using Lodestar.Llm.Engine;
using Lodestar.Pipeline;
using Lodestar.Pipeline.Recipes;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar bright run --recipe FILE</c>: a recipe on BRIGHT tasks or a BEIR folder, resumable.</summary>
internal static class RecipeRun
{
    /// <summary>The options of <c>bright run</c> that a recipe run reads.</summary>
    internal sealed record Inputs(Option<string> Tasks, Option<bool> Long, Option<string> Revision, Option<bool> Offline, Option<string> Data, Option<string> Experiment,
        Option<string[]> Force, Option<string[]> Endpoint, Option<string?> Model, Option<int> MaxNew, Option<int> InFlight, Option<string?> Beir, Option<int?> MaxTopics,
        Option<string[]> ModelEndpoints, Bm25Options Bm25, EmbedderOptions Embedder);

    public static int Run(CliContext context, ParseResult parse, string path, Inputs o)
    {
        Recipe recipe = RecipeReader.Read(path);
        string[] forced = parse.GetValue(o.Force) ?? [];
        foreach (string f in forced.Where(f => !RecipeRunner.StepKinds.Contains(f.Split(':')[0])))
        {
            throw new ArgumentException($"unknown step '{f}' for --force, expected a kind ({string.Join(", ", RecipeRunner.StepKinds)}) or KIND:NAME such as rerank:retro");
        }

        var modelEndpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string spec in parse.GetValue(o.ModelEndpoints) ?? [])
        {
            int eq = spec.LastIndexOf('=');
            modelEndpoints[eq > 0 && Uri.TryCreate(spec[(eq + 1)..], UriKind.Absolute, out Uri? u) && u.Scheme is "http" or "https" ? spec[..eq]
                : throw new ArgumentException($"bad --model-endpoint '{spec}', expected MODEL=URL such as Qwen/Qwen3-8B=http://127.0.0.1:30000")] = spec[(eq + 1)..];
        }

        string? beir = parse.GetValue(o.Beir);
        int inFlight = parse.GetValue(o.InFlight);
        string data = parse.GetValue(o.Data)!;
        var recorded = new Dictionary<string, string>
        {
            ["recipe"] = Path.GetFullPath(path), ["tasks"] = beir is null ? parse.GetValue(o.Tasks)! : "", ["beir"] = beir is null ? "" : Path.GetFullPath(beir),
            ["long"] = parse.GetValue(o.Long) ? "true" : "false", ["revision"] = parse.GetValue(o.Revision)!, ["data"] = Path.GetFullPath(data),
            ["bm25"] = $"{o.Bm25.Read(parse)}", ["endpoint"] = string.Join(",", parse.GetValue(o.Endpoint) ?? []), ["model"] = parse.GetValue(o.Model) ?? "",
            ["max_topics"] = parse.GetValue(o.MaxTopics)?.ToString(CultureInfo.InvariantCulture) ?? "all",
        };
        var options = new RecipeRunOptions
        {
            Recipe = recipe,
            Tasks = beir is null ? BrightDataset.ParseTasks(parse.GetValue(o.Tasks)!) : [],
            Data = data,
            Beir = beir,
            Revision = parse.GetValue(o.Revision)!,
            Offline = parse.GetValue(o.Offline),
            Long = parse.GetValue(o.Long),
            MaxTopics = parse.GetValue(o.MaxTopics),
            Bm25 = o.Bm25.Read(parse),
            Endpoint = parse.GetValue(o.Endpoint) is { Length: > 0 } endpoints ? string.Join(",", endpoints) : null,
            Model = parse.GetValue(o.Model),
            EmbedEndpoint = parse.GetValue(o.Embedder.Endpoint),
            ModelEndpoints = modelEndpoints,
            // A comma-separated endpoint is replicas of one model (--endpoint repeated), balanced by the client.
            OpenChat = (endpoint, model) => RerankCommand.OpenClient(context, endpoint.Split(','), model, null, inFlight, 600, 4, null, null, new LlamaChatOptions()),
            OpenEmbedder = (endpoint, model, profile) => new OpenAiEmbedder(new OpenAiClient(new EndpointOptions { BaseUrl = new Uri(endpoint), Model = model, MaxInFlight = 8 }),
                profile.Normalize),
            MaxNewTokens = parse.GetValue(o.MaxNew),
            Force = forced.ToHashSet(StringComparer.Ordinal),
            Recorded = recorded,
        };
        (double requests, double answers) = recipe.Cost();
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"recipe {recipe.Name} (sha256 {recipe.Sha256[..12]}): at most {requests:0.#} LLM requests and {answers:0.#} answers per topic"));
        string folder = parse.GetValue(o.Experiment)!;
        using var downloader = new HubDownloader();
        List<StepOutcome> outcomes = new RecipeRunner(folder, options, downloader).RunAsync(new Printer(context), new Lines(context)).GetAwaiter().GetResult();
        foreach (StepOutcome e in outcomes.Where(x => x.Step == "eval"))
        {
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Task}\tndcg_cut_10\t{e.Figures["ndcg_cut_10"]:F5}"));
        }

        return 0;
    }

    /// <summary>Writes status lines (conversions, rerank progress every few seconds) to stderr.</summary>
    private sealed class Lines(CliContext context) : IProgress<string>
    {
        public void Report(string line)
        {
            lock (this)
            {
                context.Error.WriteLine(line);
            }
        }
    }

    /// <summary>Writes each step's outcome as it finishes (a plain line: progress that a log keeps).</summary>
    private sealed class Printer(CliContext context) : IProgress<StepOutcome>
    {
        public void Report(StepOutcome o)
        {
            string figures = string.Join(", ", o.Figures.Select(f => $"{f.Key} {f.Value.ToString(f.Value == Math.Floor(f.Value) ? "N0" : "F4", CultureInfo.InvariantCulture)}"));
            context.Error.WriteLine($"{o.Task}/{o.Step}: {(o.Reused ? "finished before, reused" : $"done in {o.Seconds.ToString("F1", CultureInfo.InvariantCulture)} s")}{(figures.Length > 0 ? $" ({figures})" : "")}");
        }
    }
}
