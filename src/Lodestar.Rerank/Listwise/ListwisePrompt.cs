using System.Text;
using System.Text.RegularExpressions;

namespace Lodestar.Rerank.Listwise;

/// <summary>Builds the messages of one listwise window; the wording is the authors', byte for byte.</summary>
/// <remarks>
/// RankGPT's text comes from sunnweiwei/RankGPT <c>rank_gpt.py</c> (get_prefix_prompt, get_post_prompt and the
/// per-passage turns); ReasonRank's from 8421BCD/ReasonRank <c>utils.py</c> (add_prefix_prompt, add_post_prompt in
/// mode rank_GPT_reasoning) and <c>listwise_prompt_r1.toml</c> (system_prompt_reasoning). Each document is cut to
/// its first <c>maxWords</c> whitespace-separated words (RankGPT: 300) after collapsing whitespace, and <c>[n]</c>
/// inside a document or query becomes <c>(n)</c> (ReasonRank's and rank_llm's replace_number), so text can never
/// pose as an identifier.
/// </remarks>
public static partial class ListwisePrompt
{
    /// <summary>RankGPT's system message.</summary>
    public const string RankGptSystem = "You are RankGPT, an intelligent assistant that can rank passages based on their relevancy to the query.";

    /// <summary>ReasonRank's system message for reasoning models.</summary>
    public const string ReasonRankSystem = "You are RankLLM, an intelligent assistant that can rank passages based on their relevance to the query. Given a query and a passage list, you first thinks about the reasoning process in the mind and then provides the answer (i.e., the reranked passage list). The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>.";

    /// <summary>The (role, content) messages for <paramref name="documents"/> in window order.</summary>
    public static List<(string Role, string Content)> Build(ListwisePromptStyle style, string query, IReadOnlyList<string> documents, int maxWords = 300) =>
        BuildPrepared(style, query, [.. documents.Select(d => Prepare(d, maxWords))]);

    private static List<(string, string)> RankGpt(string query, int num, string[] contents)
    {
        var messages = new List<(string, string)>
        {
            ("system", RankGptSystem),
            ("user", $"I will provide you with {num} passages, each indicated by number identifier []. \nRank the passages based on their relevance to query: {query}."),
            ("assistant", "Okay, please provide the passages."),
        };
        for (int i = 0; i < contents.Length; i++)
        {
            messages.Add(("user", $"[{i + 1}] {contents[i]}"));
            messages.Add(("assistant", $"Received passage [{i + 1}]."));
        }

        messages.Add(("user", $"Search Query: {query}. \nRank the {num} passages above based on their relevance to the search query. The passages should be listed in descending order using identifiers. The most relevant passages should be listed first. The output format should be [] > [], e.g., [1] > [2]. Only response the ranking results, do not say any word or explain."));
        return messages;
    }

    private static List<(string, string)> ReasonRank(string query, int num, string[] contents)
    {
        var user = new StringBuilder();
        user.Append($"I will provide you with {num} passages, each indicated by a numerical identifier []. Rank the passages based on their relevance to the search query: {query}.\n\n");
        for (int i = 0; i < contents.Length; i++)
        {
            user.Append($"[{i + 1}] {contents[i]}\n");
        }

        user.Append($"Search Query: {query}.\nRank the {num} passages above based on their relevance to the search query. All the passages should be included and listed using identifiers, in descending order of relevance. The format of the answer should be [] > [], e.g., [2] > [1].");
        return [("system", ReasonRankSystem), ("user", user.ToString())];
    }

    /// <summary>A document as it appears in a window: its first <paramref name="maxWords"/> words, identifiers
    /// defused. <see cref="Build"/> applies it; a caller that shows one document in several windows may prepare it
    /// once and pass it through <see cref="BuildPrepared"/>.</summary>
    public static string Prepare(string document, int maxWords = 300) => ReplaceNumbers(PassageText.FirstWords(document, maxWords));

    /// <summary>The messages for documents already passed through <see cref="Prepare"/>.</summary>
    public static List<(string Role, string Content)> BuildPrepared(ListwisePromptStyle style, string query, IReadOnlyList<string> prepared)
    {
        query = ReplaceNumbers(query).Trim();
        string[] contents = [.. prepared];
        return style == ListwisePromptStyle.RankGpt ? RankGpt(query, contents.Length, contents) : ReasonRank(query, contents.Length, contents);
    }

    private static string ReplaceNumbers(string text) => text.Contains('[') ? Identifier().Replace(text, "($1)") : text;

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Identifier();
}
