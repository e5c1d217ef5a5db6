using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Engine;
using Lodestar.Llm.Judgments;
using Lodestar.Synthesis;
using Microsoft.Extensions.AI;

namespace Lodestar.Cli.Commands;

/// <summary>The model options every <c>synth</c> command shares: a server or the embedded engine, sampling, seed,
/// store and token budget.</summary>
internal sealed class SynthModelOptions
{
    public Option<string[]> Endpoint { get; } = new Option<string[]>("--endpoint") { Description = "Server base URL, e.g. http://127.0.0.1:30000 (or use --gguf); repeat it for replicas of one model." }.Url();
    public Option<string?> Model { get; } = new("--model") { Description = "Model name on the server." };
    public Option<string?> Gguf { get; } = new("--gguf") { Description = "Run the model embedded (llama.cpp): a .gguf path or hf:OWNER/REPO/FILE.gguf." };
    public Option<string?> LlamaLib { get; } = new("--llama-lib") { Description = "Folder with libllama/libggml (default: tools/llama, LODESTAR_LLAMA_LIB)." };
    public Option<ChatFormat> ChatFormat { get; } = new("--chat-format") { Description = "Embedded chat template: auto, chatml, llama3 or gguf.", DefaultValueFactory = _ => Llm.Engine.ChatFormat.Auto };
    public Option<int> Context { get; } = new Option<int>("--context") { Description = "Embedded context in tokens.", DefaultValueFactory = _ => 8192 }.Range(256, 1_048_576);
    public Option<string?> ApiKey { get; } = new("--api-key") { Description = "Bearer token (or set LODESTAR_API_KEY)." };
    public Option<int> InFlight { get; } = new Option<int>("--in-flight") { Description = "Requests in flight; 0 = the server's own concurrency where it says, else 64.", DefaultValueFactory = _ => 0 }.Range(0, 100_000);
    public Option<int> Timeout { get; } = new Option<int>("--timeout") { Description = "Seconds per attempt.", DefaultValueFactory = _ => 600 }.Range(1, 1_000_000);
    public Option<int> Retries { get; } = new Option<int>("--retries") { Description = "Retries of a transient failure.", DefaultValueFactory = _ => 4 }.Range(0, 1000);
    public Option<double> Temperature { get; } = new Option<double>("--temperature") { Description = "Sampling temperature.", DefaultValueFactory = _ => 0.8 }.Range(0.0, 10.0);
    public Option<int> TopK { get; } = new Option<int>("--top-k") { Description = "Top-k sampling.", DefaultValueFactory = _ => 40 }.Range(0, 1_000_000);
    public Option<double> TopP { get; } = new Option<double>("--top-p") { Description = "Nucleus sampling.", DefaultValueFactory = _ => 0.95 }.Range(0.0, 1.0);
    public Option<int> MaxNew { get; } = new Option<int>("--max-new-tokens") { Description = "Tokens an answer may have.", DefaultValueFactory = _ => 1024 }.Range(1, 1_048_576);
    public Option<long> Seed { get; } = new Option<long>("--seed") { Description = "Base seed; each call's seed is derived from it and what the call is for.", DefaultValueFactory = _ => 42 }.Range(0L, long.MaxValue);
    public Option<long> Budget { get; } = new Option<long>("--budget-tokens") { Description = "Stop cleanly once this many new tokens (in + out) are spent; 0 = no limit.", DefaultValueFactory = _ => 0 }.Range(0L, long.MaxValue);
    public Option<string?> Store { get; } = new("--store") { Description = "Judgment store (SQLite) every call goes through; default OUT/synth.db." };

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Endpoint, Model, Gguf, LlamaLib, ChatFormat, Context, ApiKey, InFlight, Timeout, Retries, Temperature, TopK, TopP, MaxNew, Seed, Budget, Store })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>Opens the client and the store; the caller disposes both.</summary>
    public (IChatClient Client, JudgmentStore Store, SynthChat Chat) Open(ParseResult parse, CliContext context, string defaultStore)
    {
        IChatClient client = RerankCommand.OpenClient(context, parse.GetValue(Endpoint), parse.GetValue(Model), parse.GetValue(ApiKey), parse.GetValue(InFlight),
            parse.GetValue(Timeout), parse.GetValue(Retries), parse.GetValue(Gguf), parse.GetValue(LlamaLib),
            new LlamaChatOptions(parse.GetValue(ChatFormat), parse.GetValue(Context)));
        string storePath = parse.GetValue(Store) ?? defaultStore;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(storePath))!);
        var store = new JudgmentStore(storePath);
        var sampling = new LlmSampling
        {
            Temperature = parse.GetValue(Temperature),
            TopK = parse.GetValue(TopK),
            TopP = parse.GetValue(TopP),
            MaxTokens = parse.GetValue(MaxNew),
            Seed = parse.GetValue(Seed),
        };
        return (client, store, new SynthChat(new StoredChat(client, store), sampling, parse.GetValue(Budget)));
    }
}
