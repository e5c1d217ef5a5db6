using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Llm.Calls;
using Lodestar.Rerank;

namespace Lodestar.Llm.Tests;

/// <summary>
/// Stored keys must not change between versions: a store made by an older build is reused only if the prompt's
/// canonical JSON and hash are the same bytes. The fast writer is checked against the serializer form every stored
/// key was made from, on text that exercises its escaping.
/// </summary>
public sealed class CanonicalPromptTests
{
    private static readonly string[] s_texts =
    [
        "", "plain", "quote \" backslash \\ slash /", "<b>html</b> & 'apos' + plus", "tab\tnewline\nreturn\r\u0001\u001f\u007f",
        "accents: é ü ñ; CJK 日本語; emoji 😀; RTL שלום", "[1] > [2] ids", "\u2028\u2029 separators", new string('x', 70_000),
    ];

    private static string SerializerForm(IReadOnlyList<(string Role, string Content)> messages) =>
        JsonSerializer.Serialize(messages.Select(m => new Dictionary<string, string> { ["role"] = m.Role, ["content"] = m.Content }));

    [Fact]
    public void MessagesJson_AndItsHash_AreTheSerializersBytes()
    {
        var rng = new Random(3);
        for (int round = 0; round < 200; round++)
        {
            var messages = Enumerable.Range(0, rng.Next(1, 6))
                .Select(_ => (rng.Next(2) == 0 ? "user" : "assistant", string.Concat(Enumerable.Range(0, rng.Next(1, 4)).Select(_ => s_texts[rng.Next(s_texts.Length)]))))
                .ToList();
            string expected = SerializerForm(messages);
            Assert.Equal(expected, StoredChat.MessagesJson(messages));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expected))), StoredChat.PromptSha256(messages));
        }
    }

    [Fact]
    public void PromptSha256_IsPinned()
    {
        // Pinned so that a change of canonical form (which would orphan every existing store) fails here.
        Assert.Equal("[{\"role\":\"user\",\"content\":\"why are insects drawn to light? \\u003Cb\\u003E \\u00E9\"}]",
            StoredChat.MessagesJson([("user", "why are insects drawn to light? <b> é")]));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("[{\"role\":\"user\",\"content\":\"why are insects drawn to light? \\u003Cb\\u003E \\u00E9\"}]"u8)),
            StoredChat.PromptSha256([("user", "why are insects drawn to light? <b> é")]));
    }

    [Fact]
    public void FirstWords_KnowsEveryWhiteSpaceChar()
    {
        for (int c = 0; c <= char.MaxValue; c++)
        {
            string text = $"a{(char)c}b";
            Assert.Equal(string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), PassageText.FirstWords(text, 5));
        }
    }

    [Fact]
    public void FirstWords_EqualsSplitAndJoin()
    {
        string[] pieces = ["a", "bb", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "é", "x\u0085y", "[3]", "\r\n"];
        var rng = new Random(11);
        for (int round = 0; round < 5000; round++)
        {
            string text = string.Concat(Enumerable.Range(0, rng.Next(0, 30)).Select(_ => pieces[rng.Next(pieces.Length)]));
            int max = rng.Next(0, 12);
            string[] words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(string.Join(' ', words.Take(max)), PassageText.FirstWords(text, max));
        }
    }
}
