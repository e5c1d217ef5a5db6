using System.CommandLine;
using Lodestar.Hub;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar models pull|list</c>: GGUF files in the Hugging Face cache (HF_HOME compatible).</summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var reference = new Argument<string>("model") { Description = "hf:OWNER/REPO/FILE.gguf[@REVISION]." };
        var offline = new Option<bool>("--offline") { Description = "Use only the cache; fail if the file is not there." };
        var sha = new Option<string?>("--sha256") { Description = "Expected SHA-256 (default: the hub's LFS ETag)." };
        var pull = new Command("pull", "Download a model file into the cache: resumable, checked against its size and SHA-256.") { reference, offline, sha };
        pull.SetAction(parse =>
        {
            string spec = parse.GetValue(reference)!;
            HubFile file = HubFile.TryParse(spec) ?? throw new ArgumentException($"'{spec}': expected hf:OWNER/REPO/FILE.gguf[@REVISION]");
            using var downloader = new HubDownloader();
            string path = context.WithProgress($"pulling {file.Path}", "B", report =>
                downloader.GetAsync(file, parse.GetValue(sha), parse.GetValue(offline), new Progress<(long Done, long Total)>(p => report(p.Done, p.Total))).GetAwaiter().GetResult());
            context.Out.WriteLine(path);
            context.Error.WriteLine($"{file}: {new FileInfo(path).Length:N0} bytes in {HubCache.Root}");
            return 0;
        });
        var list = new Command("list", "List the cached model and dataset files.");
        list.SetAction(_ =>
        {
            int n = 0;
            foreach ((string r, string path, long bytes) in HubCache.List())
            {
                context.Out.WriteLine($"{r}\t{bytes}\t{path}");
                n++;
            }

            context.Error.WriteLine($"{n} files in {HubCache.Root}");
            return 0;
        });
        return new Command("models", "Model files: pull from the Hugging Face hub, list the cache.") { pull, list };
    }
}
