using Lodestar.Errors;
using Lodestar.Synthesis.Answers;
using Lodestar.Synthesis.Data;

namespace Lodestar.Synthesis.Mcts;

/// <summary>A problem to solve: MATH/TheoremQA/GSM8K style JSONL with <c>id</c>, <c>problem</c>, <c>answer</c>.</summary>
/// <param name="Id">Unique id.</param>
/// <param name="Text">The problem statement.</param>
/// <param name="Answer">The gold answer as text.</param>
/// <param name="Type">How the answer is compared.</param>
/// <param name="Solution">A reference solution, kept when present.</param>
/// <param name="Theorem">The theorem the problem needs (TheoremQA), kept when present.</param>
public sealed record Problem(string Id, string Text, string Answer, AnswerType Type, string? Solution, string? Theorem)
{
    /// <summary>Reads a problems file.</summary>
    /// <exception cref="InputException">A line is malformed, lacks a field, repeats an id or names an unknown answer type.</exception>
    public static List<Problem> Read(string path)
    {
        var list = new List<Problem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((long line, System.Text.Json.Nodes.JsonObject obj) in Jsonl.Read(path))
        {
            string id = Jsonl.Text(obj, "id", path, line, true)!;
            if (!seen.Add(id))
            {
                throw new InputException(new SourcePosition(path, line, 1), $"expected a new id, found '{id}' again");
            }

            string? typeName = Jsonl.Text(obj, "answer_type", path, line, false);
            if (!AnswerTypes.TryParse(typeName, out AnswerType type))
            {
                throw new InputException(new SourcePosition(path, line, 1), $"expected answer_type integer, float, number, bool, list, option or math, found '{typeName}'");
            }

            list.Add(new Problem(id, Jsonl.Text(obj, "problem", path, line, true)!, Jsonl.Text(obj, "answer", path, line, true)!, type,
                Jsonl.Text(obj, "solution", path, line, false), Jsonl.Text(obj, "theorem", path, line, false)));
        }

        return list;
    }
}
