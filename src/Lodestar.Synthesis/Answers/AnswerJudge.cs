using System.Text.RegularExpressions;

namespace Lodestar.Synthesis.Answers;

/// <summary>The optional LLM equivalence check (<c>--judge-equivalence</c>), asked only when the rules say "not equal".</summary>
/// <remarks>The model answers <c>Equivalent: yes|no</c>; any other output is counted as <c>judge_unparseable</c> and the
/// rule's decision stands.</remarks>
public sealed partial class AnswerJudge(SynthChat chat)
{
    /// <summary>The rule decision, overruled by the judge when it says the two answers are equivalent.</summary>
    public async Task<AnswerDecision> CheckAsync(string question, string predicted, string gold, AnswerDecision rule, CancellationToken ct)
    {
        if (rule.Equal)
        {
            return rule;
        }

        string prompt = $"Problem: {question}\nReference answer: {gold}\nCandidate answer: {predicted}\n\n" +
            "Are the two answers mathematically equivalent (same value, possibly written differently)? Reply with one line: Equivalent: yes or Equivalent: no.";
        string text = (await chat.AskAsync("synth:judge", [("user", prompt)], SynthChat.SeedOf(chat.Sampling.Seed, "judge", predicted, gold), 1, ct,
            chat.Sampling with { Temperature = 0 }).ConfigureAwait(false))[0];
        Match m = Verdict().Match(text);
        if (!m.Success)
        {
            chat.CountUnparseable("judge_unparseable");
            return rule;
        }

        return m.Groups[1].Value.Equals("yes", StringComparison.OrdinalIgnoreCase) ? rule with { Equal = true, Rule = "judge" } : rule with { Rule = rule.Rule + "+judge" };
    }

    [GeneratedRegex(@"(?i)equivalent\s*:\s*\**\s*(yes|no)\b")]
    private static partial Regex Verdict();
}
