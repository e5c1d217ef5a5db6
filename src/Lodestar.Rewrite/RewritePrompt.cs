using System.Reflection;
using Lodestar.Llm.Calls;

namespace Lodestar.Rewrite;

/// <summary>The prompt and sampling of each rewriting method.</summary>
/// <remarks>
/// BRIGHT's prompt is the contract file <c>docs/prompts/bright-reason.txt</c>, embedded byte for byte (copied from
/// xlang-ai/BRIGHT <c>reason.py</c>), with BRIGHT's system message and sampling (temperature 0.8, top-p 0.8, 2048
/// tokens). HyDE's is its web-search instruction (texttron/hyde <c>promptor.py</c>); query2doc's is the paper's
/// instruction without its four MS MARCO examples (zero-shot). The multi-rewrite prompt is Lodestar's own.
/// </remarks>
public static class RewritePrompt
{
    /// <summary>BRIGHT's reasoning template, as the contract file gives it.</summary>
    public static string BrightReasonTemplate { get; } = Load("bright-reason.txt");

    /// <summary>BRIGHT's system message (reason.py's OpenAIModel default).</summary>
    public const string BrightSystem = "You are a helpful assistant";

    /// <summary>The (role, content) messages for <paramref name="query"/>.</summary>
    public static List<(string Role, string Content)> Build(RewriteKind kind, string query) => kind switch
    {
        // BRIGHT flattens the post onto one line before filling the template.
        RewriteKind.BrightReason => [("system", BrightSystem), ("user", BrightReasonTemplate.Replace("{query}", query.Replace('\n', ' '), StringComparison.Ordinal))],
        RewriteKind.Hyde => [("user", $"Please write a passage to answer the question.\nQuestion: {query}\nPassage:")],
        RewriteKind.Query2Doc => [("user", $"Write a passage that answers the given query:\n\nQuery: {query}\nPassage:")],
        _ => [("user", "Rewrite the search query below so that a search engine finds the documents that help answer it: state the underlying problem, "
            + $"use the terms an expert would use, and add the concepts a good answer needs. Reply with the rewritten query only.\n\nQuery: {query}")],
    };

    /// <summary>The sampling each method is run with by default (BRIGHT's for bright-reason).</summary>
    public static LlmSampling DefaultSampling(RewriteKind kind) => kind switch
    {
        RewriteKind.BrightReason => new LlmSampling { Temperature = 0.8, TopP = 0.8, MaxTokens = 2048 },
        RewriteKind.Multi => new LlmSampling { Temperature = 1.0, MaxTokens = 512 },
        _ => new LlmSampling { Temperature = 0.7, MaxTokens = 512 },
    };

    /// <summary>The new query text from the original and the model's answer (thinking already removed).</summary>
    public static string Compose(RewriteKind kind, string query, string answer) => kind switch
    {
        RewriteKind.Query2Doc => string.Join(' ', Enumerable.Repeat(query, 5)) + " " + answer,
        _ => answer,
    };

    private static string Load(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
