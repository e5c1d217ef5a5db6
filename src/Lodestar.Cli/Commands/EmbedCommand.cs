using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Llm.Embedding;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar embed CORPUS -o VECTORS</c>: a flat vector index, resumable chunk by chunk.</summary>
internal static class EmbedCommand
{
    public static Command Create(CliContext context)
    {
        var corpus = new Argument<string>("corpus") { Description = "Corpus JSONL (BEIR, BRIGHT or Pyserini), plain or .gz." };
        var output = new Option<string>("--output", "-o") { Description = "Vector index directory to create.", Required = true };
        var options = new DenseBuildOptions("--threads");
        var command = new Command("embed", "Embed a corpus into a flat vector index (float32 + int8); a stopped run resumes after its last finished chunk.") { corpus, output };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            options.Build(parse, context, parse.GetValue(corpus)!, parse.GetValue(output)!);
            return 0;
        });
        return command;
    }
}

/// <summary>The options of a dense build, shared by <c>embed</c> and <c>index --dense</c>.</summary>
internal sealed class DenseBuildOptions(string threadsName = "--llama-threads")
{
    public EmbedderOptions Embedder { get; } = new(threadsName);

    public Option<bool> Int8 { get; } = new("--int8") { Description = "Also store int8 vectors (4x less to scan; rescored in float32).", DefaultValueFactory = _ => true };

    public Option<int> Chunk { get; } = new Option<int>("--chunk") { Description = "Documents per checkpointed chunk.", DefaultValueFactory = _ => 1024 }.Range(1, 1_000_000);

    public Option<bool> Overwrite { get; } = new("--overwrite") { Description = "Replace an existing index at the output path." };

    public void AddTo(Command command, bool withOverwrite = true, bool withModel = true)
    {
        Embedder.AddTo(command, withModel);
        command.Options.Add(Int8);
        command.Options.Add(Chunk);
        if (withOverwrite)
        {
            command.Options.Add(Overwrite);
        }
    }

    public DenseBuildSummary Build(ParseResult parse, CliContext context, string corpus, string output, bool? overwrite = null, string? model = null)
    {
        EmbeddingProfile profile = Embedder.ReadProfile(parse);
        using IEmbedder embedder = Embedder.Open(parse, context, profile, model);
        DenseBuildSummary summary = context.WithProgress("embedding", "docs", report =>
            DenseIndexBuilder.BuildAsync(corpus, output, embedder, profile, parse.GetValue(Int8), parse.GetValue(Chunk), overwrite ?? parse.GetValue(Overwrite),
                new Progress<(int Done, int Total)>(p => report(p.Done, p.Total))).GetAwaiter().GetResult());
        context.Error.WriteLine($"embedded {summary.Documents:N0} documents ({summary.Dimension} dimensions, {embedder.Model}, profile {profile.Name}) in {summary.Seconds:F1} s" +
            $" ({summary.Documents / Math.Max(summary.Seconds, 1e-9):N1} docs/s){(summary.Resumed > 0 ? $"; {summary.Resumed:N0} resumed from the checkpoint" : "")}; wrote {output}");
        return summary;
    }
}
