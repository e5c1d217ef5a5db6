using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Llm.Calls;
using Lodestar.Llm.Judgments;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Lodestar.Rerank.Listwise;
using Lodestar.Rerank.Setwise;
using Lodestar.Rerank.Thinking;
using Microsoft.Extensions.AI;

namespace Lodestar.Cli.Commands;

/// <summary>
/// The options of <c>lodestar rerank</c> that choose and tune the method (<c>--method retro-star|listwise</c>), the
/// thinking controls and the sampling settings, and the listwise run itself; kept apart from
/// <see cref="RerankCommand"/>, which stays Retro*'s.
/// </summary>
internal sealed class RerankMethodOptions
{
    private readonly Option<string> _method = new("--method") { Description = "retro-star (pointwise, default), listwise (RankGPT sliding windows) or setwise (heap of sets, top --setwise-k).", DefaultValueFactory = _ => "retro-star" };
    private readonly Option<int> _window = new Option<int>("--window") { Description = "Listwise: candidates per window.", DefaultValueFactory = _ => 20 }.Range(2, 10_000);
    private readonly Option<int> _stride = new Option<int>("--stride") { Description = "Listwise: how far each window moves up.", DefaultValueFactory = _ => 10 }.Range(1, 10_000);
    private readonly Option<int> _passes = new Option<int>("--passes") { Description = "Listwise: sweeps from the bottom of --top to its head.", DefaultValueFactory = _ => 1 }.Range(1, 1000);
    private readonly Option<ListwisePromptStyle> _prompt = new("--prompt") { Description = "Listwise prompt: rankgpt (chat models) or reasonrank (reasoning models, <think> then <answer>).", DefaultValueFactory = _ => ListwisePromptStyle.RankGpt };
    private readonly Option<int> _setwiseK = new Option<int>("--setwise-k") { Description = "Setwise: hits sorted to the head by the heap.", DefaultValueFactory = _ => 10 }.Range(1, 10_000);
    private readonly Option<int> _children = new Option<int>("--children") { Description = "Setwise: children per heap node (each comparison shows children + 1 passages).", DefaultValueFactory = _ => 3 }.Range(1, 100);
    private readonly Option<int> _maxWords = new Option<int>("--max-words") { Description = "Listwise: words of each document shown (RankGPT: 300).", DefaultValueFactory = _ => 300 }.Range(1, 1_000_000);
    private readonly Option<string?> _thinking = new("--thinking") { Description = "on, off or budget:N: chat_template_kwargs.enable_thinking (and thinking_budget); a budget adds N to --max-new-tokens and to --context." };
    private readonly Option<double?> _temperature = new Option<double?>("--temperature") { Description = "Sampling temperature (Retro*: 0.6, the authors'; listwise: 0, RankGPT's)." }.Range(0.0, 10.0);
    private readonly Option<double?> _topP = new Option<double?>("--top-p") { Description = "Nucleus sampling (Retro*: 1.0)." }.Range(0.0, 1.0);
    private readonly Option<int?> _topK = new Option<int?>("--top-k") { Description = "Top-k sampling (Retro*: 40)." }.Range(0, 1_000_000);
    private readonly Option<long?> _seed = new Option<long?>("--seed") { Description = "Seed of the first sample (Retro*: 42)." }.Range(0L, long.MaxValue);

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { _method, _window, _stride, _passes, _prompt, _setwiseK, _children, _maxWords, _thinking, _temperature, _topP, _topK, _seed })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>Whether the run is Retro*'s (the command's own path).</summary>
    /// <exception cref="ArgumentException">An unknown method.</exception>
    public bool IsRetroStar(ParseResult parse) => parse.GetValue(_method) switch
    {
        "retro-star" => true,
        "listwise" or "setwise" => false,
        var m => throw new ArgumentException($"unknown --method '{m}', expected retro-star, listwise or setwise"),
    };

    /// <summary>The context length to request of the embedded engine: <paramref name="context"/> plus any thinking budget.</summary>
    public int Context(ParseResult parse, int context) => ThinkingMode.Parse(parse.GetValue(_thinking)).Context(context);

    /// <summary>Retro*'s options with the sampling and thinking settings given on the command line.</summary>
    public RerankOptions ApplyTo(ParseResult parse, RerankOptions options)
    {
        ThinkingMode thinking = ThinkingMode.Parse(parse.GetValue(_thinking));
        return options with
        {
            Temperature = parse.GetValue(_temperature) ?? options.Temperature,
            TopP = parse.GetValue(_topP) ?? options.TopP,
            TopK = parse.GetValue(_topK) ?? options.TopK,
            Seed = parse.GetValue(_seed) ?? options.Seed,
            EnableThinking = thinking.Enabled ?? options.EnableThinking,
            MaxTokens = thinking.MaxTokens(options.MaxTokens),
        };
    }

    /// <summary>Runs a listwise rerank and writes its run; 1 when every window failed, else 0.</summary>
    public int RunListwise(ParseResult parse, CliContext context, IChatClient client, JudgmentStore store, IReadOnlyList<Topic> topics, Run firstStage,
        Func<string, string?> textOf, int top, int maxNewTokens, string outPath)
    {
        ThinkingMode thinking = ThinkingMode.Parse(parse.GetValue(_thinking));
        var options = new ListwiseOptions
        {
            Top = top,
            Window = parse.GetValue(_window),
            Stride = parse.GetValue(_stride),
            Passes = parse.GetValue(_passes),
            Prompt = parse.GetValue(_prompt),
            MaxWordsPerDocument = parse.GetValue(_maxWords),
            Sampling = new LlmSampling
            {
                Temperature = parse.GetValue(_temperature) ?? 0,
                TopP = parse.GetValue(_topP),
                TopK = parse.GetValue(_topK),
                Seed = parse.GetValue(_seed) ?? 42,
                MaxTokens = thinking.MaxTokens(maxNewTokens),
                ChatTemplateKwargs = thinking.ChatTemplateKwargs(),
            },
        };
        var chat = new StoredChat(client, store);
        if (parse.GetValue(_method) == "setwise")
        {
            return RunSetwise(parse, context, chat, topics, firstStage, textOf, top, options.Sampling with { MaxTokens = thinking.MaxTokens(Math.Min(maxNewTokens, 256)) }, outPath);
        }

        (Run reranked, ListwiseSummary s) = context.WithProgress("listwise", "topics", (Action<double, double, string?> report) =>
            new ListwiseReranker(chat, options).RerankAsync(topics, firstStage, textOf,
                new Progress<ListwiseReranker.Progress>(p => report(p.Done, p.Total, $"listwise: {p.Windows} windows, {p.FailedWindows} failed")))
                .GetAwaiter().GetResult());
        SearchCommand.WriteRun(outPath, reranked);
        context.Error.WriteLine(
            $"listwise: {s.Topics} topics, {s.Windows} windows in {s.Seconds:F1} s: {s.Requested:N0} answers asked, {s.Reused:N0} from the store; " +
            $"repairs: {s.Repairs}; {s.FailedWindows} windows failed (kept their order), failures " +
            $"{(s.Failures.Count == 0 ? "none" : string.Join(", ", s.Failures.Select(f => $"{f.Key} {f.Value}")))}; tokens in {s.TokensIn:N0}, out {s.TokensOut:N0}");
        context.Error.WriteLine($"wrote {outPath}");
        return s.Windows > 0 && s.FailedWindows == s.Windows ? 1 : 0;
    }

    private int RunSetwise(ParseResult parse, CliContext context, StoredChat chat, IReadOnlyList<Topic> topics, Run firstStage,
        Func<string, string?> textOf, int top, LlmSampling sampling, string outPath)
    {
        var options = new SetwiseOptions
        {
            Top = top, K = parse.GetValue(_setwiseK), Children = parse.GetValue(_children), MaxWordsPerDocument = parse.GetValue(_maxWords), Sampling = sampling,
        };
        (Run reranked, SetwiseSummary s) = new SetwiseReranker(chat, options).RerankAsync(topics, firstStage, textOf).GetAwaiter().GetResult();
        SearchCommand.WriteRun(outPath, reranked);
        context.Error.WriteLine($"setwise: {s.Topics} topics, {s.Comparisons} comparisons in {s.Seconds:F1} s: {s.Requested:N0} answers asked, {s.Reused:N0} from the store; " +
            $"{s.Unparseable} unparseable and {s.Failed} failed comparisons (no swap)");
        context.Error.WriteLine($"wrote {outPath}");
        return s.Comparisons > 0 && s.Failed == s.Comparisons ? 1 : 0;
    }
}
