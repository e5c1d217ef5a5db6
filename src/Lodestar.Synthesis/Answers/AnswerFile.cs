using System.Text.Json.Nodes;
using Lodestar.Errors;
using Lodestar.Synthesis.Data;

namespace Lodestar.Synthesis.Answers;

/// <summary><c>lodestar synth answers</c>: extracts and checks the final answer of each <c>{solution, answer, answer_type?}</c> line.</summary>
public static class AnswerFile
{
    /// <summary>Counts of one pass.</summary>
    /// <param name="Records">Lines read.</param>
    /// <param name="Equal">Lines whose extracted answer equals the gold.</param>
    /// <param name="NoAnswer">Lines where no answer was found (counted, written with <c>extracted: null</c>).</param>
    /// <param name="JudgeOverruled">Lines the LLM judge turned to equal.</param>
    public sealed record Summary(int Records, int Equal, int NoAnswer, int JudgeOverruled);

    /// <summary>Reads <paramref name="input"/>, writes each line with <c>extracted</c>, <c>extraction</c>, <c>equal</c>,
    /// <c>type</c> and <c>rule</c> added to <paramref name="output"/> (atomically).</summary>
    /// <exception cref="InputException">A line is malformed, lacks <c>solution</c> or <c>answer</c>, or names an unknown type.</exception>
    public static async Task<Summary> RunAsync(string input, string output, double floatTolerance, AnswerJudge? judge, CancellationToken ct)
    {
        var lines = new List<JsonObject>();
        int equal = 0, none = 0, overruled = 0;
        foreach ((long line, JsonObject obj) in Jsonl.Read(input))
        {
            string solution = Jsonl.Text(obj, "solution", input, line, true)!;
            string gold = Jsonl.Text(obj, "answer", input, line, true)!;
            string? typeName = Jsonl.Text(obj, "answer_type", input, line, false);
            if (!AnswerTypes.TryParse(typeName, out AnswerType type))
            {
                throw new InputException(new SourcePosition(input, line, 1),
                    $"expected answer_type integer, float, number, bool, list, option or math, found '{typeName}'");
            }

            (string? extracted, AnswerExtractor.Method method) = AnswerExtractor.Extract(solution);
            AnswerDecision decision = extracted is null
                ? new AnswerDecision(false, type == AnswerType.Auto ? AnswerChecker.Infer(gold) : type, "no-answer")
                : AnswerChecker.Check(extracted, gold, type, floatTolerance);
            if (judge is not null && extracted is not null && !decision.Equal)
            {
                decision = await judge.CheckAsync(Jsonl.Text(obj, "problem", input, line, false) ?? "", extracted, gold, decision, ct).ConfigureAwait(false);
                overruled += decision.Equal ? 1 : 0;
            }

            none += extracted is null ? 1 : 0;
            equal += decision.Equal ? 1 : 0;
            obj["extracted"] = extracted;
            obj["extraction"] = method.ToString().ToLowerInvariant();
            obj["equal"] = decision.Equal;
            obj["type"] = decision.Type.ToString().ToLowerInvariant();
            obj["rule"] = decision.Rule;
            lines.Add(obj);
        }

        Jsonl.Write(output, lines);
        return new Summary(lines.Count, equal, none, overruled);
    }
}
