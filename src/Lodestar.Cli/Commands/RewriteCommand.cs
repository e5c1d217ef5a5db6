using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Formats;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Engine;
using Lodestar.Llm.Judgments;
using Lodestar.Model;
using Lodestar.Rerank.Thinking;
using Lodestar.Rewrite;
using Microsoft.Extensions.AI;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar rewrite</c>: query reasoning (BRIGHT's reasoning queries, HyDE, query2doc, N rewrites), resumable.</summary>
internal static class RewriteCommand
{
    public static Command Create(CliContext context)
    {
        var topics = new Option<string>("--topics") { Description = "Topics (BEIR queries, BRIGHT examples or TSV).", Required = true };
        var method = new Option<string>("--method") { Description = "bright-reason (BRIGHT's prompt: problem, reasoning, draft answer), hyde, query2doc or multi:N.", Required = true };
        var endpoint = new Option<string[]>("--endpoint") { Description = "Server base URL (or use --gguf); repeat it for replicas of one model." }.Url();
        var model = new Option<string?>("--model") { Description = "Model name on the server." };
        var gguf = new Option<string?>("--gguf") { Description = "Run the model embedded (llama.cpp): a .gguf path or hf:OWNER/REPO/FILE.gguf." };
        var llamaLib = new Option<string?>("--llama-lib") { Description = "Folder with libllama/libggml." };
        var contextSize = new Option<int>("--context") { Description = "Embedded context in tokens.", DefaultValueFactory = _ => 8192 }.Range(256, 1_048_576);
        var apiKey = new Option<string?>("--api-key") { Description = "Bearer token (or set LODESTAR_API_KEY)." };
        var inFlight = new Option<int>("--in-flight") { Description = "Requests in flight (also topics at once).", DefaultValueFactory = _ => 16 }.Range(1, 1_000_000_000);
        var timeout = new Option<int>("--timeout") { Description = "Seconds per attempt.", DefaultValueFactory = _ => 600 }.Range(1, 1_000_000);
        var retries = new Option<int>("--retries") { Description = "Retries of a transient failure.", DefaultValueFactory = _ => 4 }.Range(0, 1000);
        var thinking = new Option<string?>("--thinking") { Description = "on, off or budget:N (adds N to the answer's tokens and the context)." };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature (bright-reason: 0.8, BRIGHT's)." }.Range(0.0, 10.0);
        var topP = new Option<double?>("--top-p") { Description = "Nucleus sampling (bright-reason: 0.8)." }.Range(0.0, 1.0);
        var maxNew = new Option<int?>("--max-new-tokens") { Description = "Tokens an answer may have (bright-reason: 2048)." }.Range(1, 1_000_000_000);
        var seed = new Option<long>("--seed") { Description = "Seed of the first answer.", DefaultValueFactory = _ => 42 }.Range(0L, long.MaxValue);
        var storePath = new Option<string?>("--store") { Description = "Judgment store (SQLite); default OUTPUT.judgments.db." };
        var output = new Option<string>("--output", "-o") { Description = "Rewritten topics (BRIGHT examples JSONL); multi:N writes OUTPUT with .1 … .N before the extension.", Required = true };
        var command = new Command("rewrite", "Rewrite queries with an LLM (BRIGHT reasoning queries, HyDE, query2doc, N rewrites); every answer kept in the judgment store.")
        {
            topics, method, endpoint, model, gguf, llamaLib, contextSize, apiKey, inFlight, timeout, retries, thinking, temperature, topP, maxNew, seed, storePath, output,
        };
        command.SetAction(parse =>
        {
            RewriteMethod m = RewriteMethod.Parse(parse.GetValue(method)!);
            ThinkingMode think = ThinkingMode.Parse(parse.GetValue(thinking));
            LlmSampling defaults = RewritePrompt.DefaultSampling(m.Kind);
            var sampling = defaults with
            {
                Temperature = parse.GetValue(temperature) ?? defaults.Temperature,
                TopP = parse.GetValue(topP) ?? defaults.TopP,
                MaxTokens = think.MaxTokens(parse.GetValue(maxNew) ?? defaults.MaxTokens ?? 512),
                Seed = parse.GetValue(seed),
                ChatTemplateKwargs = think.ChatTemplateKwargs(),
            };
            List<Topic> list = TopicReader.Read(parse.GetValue(topics)!);
            string outPath = parse.GetValue(output)!;
            using IChatClient client = RerankCommand.OpenClient(context, parse.GetValue(endpoint), parse.GetValue(model), parse.GetValue(apiKey), parse.GetValue(inFlight),
                parse.GetValue(timeout), parse.GetValue(retries), parse.GetValue(gguf), parse.GetValue(llamaLib),
                new LlamaChatOptions(ChatFormat.Auto, think.Context(parse.GetValue(contextSize))));
            using var store = new JudgmentStore(parse.GetValue(storePath) ?? outPath + ".judgments.db");
            var rewriter = new QueryRewriter(new StoredChat(client, store), m, sampling, Math.Max(1, parse.GetValue(inFlight)));
            (List<List<Topic>> rewrites, RewriteSummary s) = context.WithProgress("rewriting", "topics", (Action<double, double> report) =>
                rewriter.RewriteAsync(list, new Progress<int>(done => report(done, list.Count))).GetAwaiter().GetResult());
            List<string> paths = PathsFor(outPath, rewrites.Count);
            for (int i = 0; i < rewrites.Count; i++)
            {
                TopicWriter.Write(paths[i], rewrites[i]);
            }

            context.Error.WriteLine($"rewrote {s.Topics} topics ({m}): {s.Requested:N0} answers asked, {s.Reused:N0} from the store; {s.Empty} empty answers and " +
                $"{s.Failed} failed topics kept their original query; failures {(s.Failures.Count == 0 ? "none" : string.Join(", ", s.Failures.Select(f => $"{f.Key} {f.Value}")))}");
            context.Error.WriteLine($"wrote {string.Join(", ", paths)}");
            return s.Topics > 0 && s.Failed == s.Topics ? 1 : 0;
        });
        return command;
    }

    /// <summary><paramref name="path"/> itself for one rewrite, else <c>name.1.ext</c> … <c>name.N.ext</c>.</summary>
    internal static List<string> PathsFor(string path, int count)
    {
        if (count == 1)
        {
            return [path];
        }

        string ext = Path.GetExtension(path);
        string stem = path[..^ext.Length];
        return [.. Enumerable.Range(1, count).Select(i => $"{stem}.{i}{ext}")];
    }
}
