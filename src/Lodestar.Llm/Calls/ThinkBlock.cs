namespace Lodestar.Llm.Calls;

/// <summary>
/// Splits a reasoning model's answer into its thinking and its answer, so that parsers never read the thinking.
/// </summary>
/// <remarks>
/// Handles <c>&lt;think&gt;…&lt;/think&gt;</c> blocks anywhere (all are removed), an answer that starts inside a block
/// whose opening tag was part of the prompt (Qwen3 and DeepSeek-R1 templates: text up to the first
/// <c>&lt;/think&gt;</c> is thinking), and an unclosed block (everything after <c>&lt;think&gt;</c> is thinking: the
/// model ran out of tokens while thinking, so there is no answer).
/// </remarks>
public static class ThinkBlock
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    /// <summary>(thinking, answer) of <paramref name="text"/>; the answer is trimmed.</summary>
    public static (string Thinking, string Answer) Split(string text)
    {
        var thinking = new System.Text.StringBuilder();
        var answer = new System.Text.StringBuilder();
        int pos = 0;
        int firstOpen = text.IndexOf(Open, StringComparison.Ordinal);
        int firstClose = text.IndexOf(Close, StringComparison.Ordinal);
        if (firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen))
        {
            thinking.Append(text.AsSpan(0, firstClose));
            pos = firstClose + Close.Length;
        }

        while (pos < text.Length)
        {
            int open = text.IndexOf(Open, pos, StringComparison.Ordinal);
            if (open < 0)
            {
                answer.Append(text.AsSpan(pos));
                break;
            }

            answer.Append(text.AsSpan(pos, open - pos));
            int close = text.IndexOf(Close, open + Open.Length, StringComparison.Ordinal);
            if (close < 0)
            {
                thinking.Append(text.AsSpan(open + Open.Length));
                break;
            }

            thinking.Append(text.AsSpan(open + Open.Length, close - open - Open.Length));
            pos = close + Close.Length;
        }

        return (thinking.ToString().Trim(), answer.ToString().Trim());
    }

    /// <summary>The answer of <paramref name="text"/> without its thinking.</summary>
    public static string Answer(string text) => Split(text).Answer;
}
