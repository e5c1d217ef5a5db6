using System.Text.RegularExpressions;

namespace Lodestar.Rerank.RetroStar;

/// <summary>How a model's answer was read.</summary>
public enum ScoreOutcome
{
    /// <summary>A score in 0–100 was found.</summary>
    Parsed,

    /// <summary>A score above 100 was found and clamped to 100.</summary>
    Clamped,

    /// <summary>No <c>&lt;score&gt;N&lt;/score&gt;</c> outside the thinking: a failure, never a score.</summary>
    Unparseable,
}

/// <summary>The reading of one sampled answer.</summary>
/// <param name="Score">The score, or null when <see cref="Outcome"/> is <see cref="ScoreOutcome.Unparseable"/>.</param>
/// <param name="Outcome">What happened.</param>
public readonly record struct ParsedScore(int? Score, ScoreOutcome Outcome);

/// <summary>Reads the first <c>&lt;score&gt;N&lt;/score&gt;</c> of a Retro* answer, after removing <c>&lt;think&gt;…&lt;/think&gt;</c>.</summary>
public static partial class ScoreParser
{
    /// <summary>Parses one answer.</summary>
    public static ParsedScore Parse(string answer)
    {
        string visible = StripThinking(answer);
        Match m = ScoreTag().Match(visible);
        if (!m.Success)
        {
            return new ParsedScore(null, ScoreOutcome.Unparseable);
        }

        // Many digits overflow int: treat as above range.
        return int.TryParse(m.Groups[1].ValueSpan, out int score) && score <= 100
            ? new ParsedScore(score, ScoreOutcome.Parsed)
            : new ParsedScore(100, ScoreOutcome.Clamped);
    }

    /// <summary>Removes every <c>&lt;think&gt;…&lt;/think&gt;</c> block; an unclosed block hides the rest of the text.</summary>
    public static string StripThinking(string answer)
    {
        string text = ThinkBlock().Replace(answer, "");
        int open = text.IndexOf("<think>", StringComparison.Ordinal);
        return open >= 0 ? text[..open] : text;
    }

    [GeneratedRegex(@"<score>\s*(\d+)\s*</score>", RegexOptions.CultureInvariant)]
    private static partial Regex ScoreTag();

    [GeneratedRegex(@"<think>.*?</think>", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ThinkBlock();
}
