namespace Lodestar.Synthesis.Answers;

/// <summary>How a gold answer is compared: TheoremQA's answer types, GSM8K's numbers and MATH's LaTeX.</summary>
public enum AnswerType
{
    /// <summary>Inferred from the gold answer (bool, list, number, else LaTeX).</summary>
    Auto,

    /// <summary>An integer: equal when the prediction is the same integer (3.0 is 3; 3.2 is not).</summary>
    Integer,

    /// <summary>A real number, equal within a relative tolerance (4% by default, as TheoremQA scores it).</summary>
    Float,

    /// <summary>A number compared exactly (to 1e-6 relative), as GSM8K's answers are.</summary>
    Number,

    /// <summary>True or false (also yes/no).</summary>
    Bool,

    /// <summary>A list of numbers or expressions, equal element by element, in order.</summary>
    List,

    /// <summary>A multiple-choice option letter: (a), A, "option b".</summary>
    Option,

    /// <summary>A LaTeX expression, equal after MATH's normalisation or as numbers.</summary>
    Math,
}

/// <summary>Parses the <c>answer_type</c> field.</summary>
public static class AnswerTypes
{
    /// <summary>The type named <paramref name="name"/> (case-insensitive); null or empty is <see cref="AnswerType.Auto"/>.</summary>
    /// <returns>False for an unknown name.</returns>
    public static bool TryParse(string? name, out AnswerType type)
    {
        type = name?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => AnswerType.Auto,
            "integer" or "int" => AnswerType.Integer,
            "float" or "real" => AnswerType.Float,
            "number" or "numeric" => AnswerType.Number,
            "bool" or "boolean" => AnswerType.Bool,
            "list" or "list of integer" or "list of float" => AnswerType.List,
            "option" or "choice" => AnswerType.Option,
            "math" or "latex" or "expression" => AnswerType.Math,
            _ => (AnswerType)(-1),
        };
        return type >= 0;
    }
}
