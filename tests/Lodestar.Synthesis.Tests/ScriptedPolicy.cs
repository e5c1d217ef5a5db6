using System.Text.Json;
using System.Text.RegularExpressions;
using Lodestar.Synthesis.Mcts;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Synthesis.Tests;

/// <summary>
/// A deterministic policy played by the scripted OpenAI-compatible server: each answer is a function of the prompt
/// alone, so the trees it drives are known in advance (worked out by hand in the tests).
/// </summary>
/// <remarks>
/// p1 (gold 10): thoughts "A" and a wrong boxed guess (13); the query "pythagorean theorem right triangle"; documents
/// mentioning Pythagoras are relevant, others not; completing gives 10 once a Pythagorean document is in the context,
/// else 7. p2 (gold 5): every document is judged irrelevant (the query is pruned); completing at the root gives 5,
/// deeper 6. Any other problem: completing gives 8.
/// </remarks>
internal static partial class ScriptedPolicy
{
    public const string P1 = "A right triangle has legs 6 and 8. How long is its hypotenuse?";
    public const string P2 = "What is 2 + 3?";

    public static string ProblemsJsonl =>
        JsonSerializer.Serialize(new { id = "p1", problem = P1, answer = 10, answer_type = "integer", theorem = "Pythagorean theorem" }) + "\n" +
        JsonSerializer.Serialize(new { id = "p2", problem = P2, answer = "5" }) + "\n";

    /// <summary>The seed of the first q_llmq sample of p1's pair (base seed 42): that sample names the theorem.</summary>
    public static long FirstLlmqSeed => SynthChat.SeedOf(42, "p1#0.2", "llmq");

    public static Task Answer(HttpContext ctx, int n, string body, TimeSpan delay = default) => AnswerAsync(ctx, body, delay);

    private static async Task AnswerAsync(HttpContext ctx, string body, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }

        JsonElement json = FakeOpenAiServer.Json(body);
        JsonElement messages = json.GetProperty("messages");
        string user = messages[messages.GetArrayLength() - 1].GetProperty("content").GetString()!;
        int n = json.TryGetProperty("n", out JsonElement nn) ? nn.GetInt32() : 1;
        long seed = json.GetProperty("seed").GetInt64();
        bool p1 = user.Contains(P1, StringComparison.Ordinal);
        bool p2 = user.Contains(P2, StringComparison.Ordinal);
        string[] texts;
        if (user.EndsWith(MctsPrompts.ThoughtInstruction, StringComparison.Ordinal))
        {
            texts = p1 ? ["Step: A", "Step: guess \\boxed{13}"] : ["Step: think", "Step: more"];
        }
        else if (user.EndsWith(MctsPrompts.QueryInstruction, StringComparison.Ordinal))
        {
            texts = [p1 ? "Query: pythagorean theorem right triangle" : "Query: bayes theorem probability"];
        }
        else if (user.EndsWith(MctsPrompts.ReflectInstruction, StringComparison.Ordinal))
        {
            string doc = LastDocument().Matches(user)[^1].Groups[1].Value;
            texts = [p1 && doc.Contains("Pythagorean", StringComparison.Ordinal) ? "Relevant: yes\nReason: it relates the sides of a right triangle." : "Relevant: no\nReason: not needed here."];
        }
        else if (user.EndsWith(MctsPrompts.CompleteInstruction, StringComparison.Ordinal))
        {
            texts = [p1 ? (user.Contains("Document pyth", StringComparison.Ordinal) ? "By Pythagoras, sqrt(36 + 64) = \\boxed{10}." : "It is \\boxed{7}.")
                : p2 ? (user.Contains("Steps so far: (none)", StringComparison.Ordinal) ? "\\boxed{5}" : "\\boxed{6}")
                : "\\boxed{8}"];
        }
        else if (user.EndsWith(Data.QueryKinds.Instruction, StringComparison.Ordinal))
        {
            texts = [seed == FirstLlmqSeed ? "Query: how to use the Pythagorean theorem" : "Query: relation between the three sides of a right triangle"];
        }
        else
        {
            texts = ["I do not understand."];
        }

        await FakeOpenAiServer.Answer(ctx, [.. Enumerable.Range(0, n).Select(i => texts[Math.Min(i, texts.Length - 1)])]);
    }

    [GeneratedRegex(@"Document \S+: (.*)")]
    private static partial Regex LastDocument();
}
