using System.Globalization;

namespace Lodestar.Rerank.Thinking;

/// <summary>
/// <c>--thinking on|off|budget:N</c>: whether a reasoning model thinks, and how many tokens it may think for.
/// </summary>
/// <remarks>
/// Maps to <c>chat_template_kwargs</c>: <c>enable_thinking</c> (Qwen3's templates; SGLang and vLLM pass it through),
/// and for a budget also <c>thinking_budget</c> (templates that read it, such as Seed-OSS; others ignore it). A budget
/// is added to the answer's token allowance and, for the embedded engine, to the context requested, so thinking never
/// crowds out the answer. Unset (<see cref="Default"/>) sends nothing and leaves the model's own default.
/// </remarks>
/// <param name="Enabled">True: think; false: do not; null: the model's default.</param>
/// <param name="Budget">Thinking tokens allowed (only with thinking on); 0 = no stated budget.</param>
public readonly record struct ThinkingMode(bool? Enabled, int Budget)
{
    /// <summary>The model's default: nothing sent.</summary>
    public static ThinkingMode Default => new(null, 0);

    /// <summary>Parses <c>on</c>, <c>off</c> or <c>budget:N</c> (N ≥ 1).</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static ThinkingMode Parse(string? spec) => spec switch
    {
        null or "" => Default,
        "on" => new(true, 0),
        "off" => new(false, 0),
        _ when spec.StartsWith("budget:", StringComparison.Ordinal)
            && int.TryParse(spec.AsSpan("budget:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 => new(true, n),
        _ => throw new ArgumentException($"bad --thinking '{spec}', expected on, off or budget:N with N >= 1 tokens"),
    };

    /// <summary>The <c>chat_template_kwargs</c> to send, or null for none.</summary>
    public IReadOnlyDictionary<string, object>? ChatTemplateKwargs() => Enabled switch
    {
        null => null,
        false => new Dictionary<string, object> { ["enable_thinking"] = false },
        true when Budget > 0 => new Dictionary<string, object> { ["enable_thinking"] = true, ["thinking_budget"] = Budget },
        true => new Dictionary<string, object> { ["enable_thinking"] = true },
    };

    /// <summary>The answer's token allowance plus the thinking budget.</summary>
    public int MaxTokens(int answerTokens) => answerTokens + Budget;

    /// <summary>The context length to request (embedded engine): <paramref name="context"/> plus the budget.</summary>
    public int Context(int context) => context + Budget;

    /// <summary>As given on the command line.</summary>
    public override string ToString() => Enabled switch { null => "default", false => "off", true when Budget > 0 => $"budget:{Budget}", _ => "on" };
}
