using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Datasets;
using Lodestar.Hub;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar data pull bright|beir</c>: datasets from the Hugging Face hub and BEIR's archive server.</summary>
internal static class DataCommand
{
    public static Command Create(CliContext context)
    {
        var tasks = new Option<string>("--tasks") { Description = "all, or a comma-separated list of BRIGHT tasks.", DefaultValueFactory = _ => "all" };
        var configs = new Option<string>("--configs") { Description = "Hub configs: examples, documents, long_documents, gpt4_reason, ….", DefaultValueFactory = _ => "examples,documents" };
        var revision = new Option<string>("--revision") { Description = "Branch, tag or commit of xlangai/BRIGHT.", DefaultValueFactory = _ => "main" };
        var offline = new Option<bool>("--offline") { Description = "Use only the hub cache." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for TASK/CONFIG.jsonl.gz.", DefaultValueFactory = _ => BrightDataset.DefaultFolder };
        var bright = new Command("bright", "Download BRIGHT's parquet files (resumable, SHA-256-checked, into the HF cache) and convert them to JSONL.")
        {
            tasks, configs, revision, offline, output,
        };
        bright.SetAction(parse =>
        {
            using var downloader = new HubDownloader();
            List<string> list = BrightDataset.ParseTasks(parse.GetValue(tasks)!);
            string[] cfg = parse.GetValue(configs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            List<BrightPart> parts = context.WithProgress("pulling BRIGHT", "B", (Action<double, double, string?> report) =>
                BrightDataset.PullAsync(downloader, list, cfg, parse.GetValue(revision)!, parse.GetValue(offline), parse.GetValue(output)!,
                    new Progress<string>(s => report(0, 0, s)), new Progress<(long Done, long Total)>(b => report(b.Done, b.Total, null))).GetAwaiter().GetResult());
            foreach (BrightPart p in parts)
            {
                context.Error.WriteLine($"{p.Task}/{p.Config}: {(p.Rows >= 0 ? $"{p.Rows:N0} rows" : "up to date")} from {p.Shards.Count} shard(s) → {p.Output}");
            }

            context.Error.WriteLine($"BRIGHT @ {BrightDataset.RecordedCommit(parse.GetValue(output)!)} in {parse.GetValue(output)}");
            return 0;
        });

        var names = new Argument<string[]>("datasets") { Description = "BEIR dataset names, such as scifact nfcorpus.", Arity = ArgumentArity.OneOrMore };
        var baseUrl = new Option<string>("--base-url") { Description = "Where the zips are.", DefaultValueFactory = _ => BeirDataset.DefaultBaseUrl }.Url();
        var beirOut = new Option<string>("--output", "-o") { Description = "Folder for NAME/.", DefaultValueFactory = _ => Path.Combine(Path.GetDirectoryName(BrightDataset.DefaultFolder)!, "beir") };
        var beir = new Command("beir", "Download BEIR datasets (their zip archives, resumable) and unpack them.") { names, baseUrl, beirOut };
        beir.SetAction(parse =>
        {
            using var downloader = new HubDownloader();
            foreach (string name in parse.GetValue(names)!)
            {
                string folder = context.WithProgress($"pulling {name}", "B", report =>
                    BeirDataset.PullAsync(downloader, name, parse.GetValue(baseUrl)!, parse.GetValue(beirOut)!, null, new Progress<(long Done, long Total)>(b => report(b.Done, b.Total))).GetAwaiter().GetResult());
                context.Error.WriteLine($"{name}: {folder}");
            }

            return 0;
        });
        return new Command("data", "Datasets: pull BRIGHT from the Hugging Face hub, BEIR from its archive server.") { new Command("pull", "Download a dataset.") { bright, beir } };
    }
}
