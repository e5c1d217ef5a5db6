using System.Text.Json;
using Lodestar.Eval;

namespace Lodestar.Tests.Eval;

/// <summary><c>eval --format json</c> is written field by field (reflection-based serialization is off in the native
/// AOT build); the document must stay what serializing the objects produced.</summary>
public class EvalTableWriterJsonTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Json_EqualsTheReflectionSerializersDocument(bool perTopic)
    {
        List<Measure> measures = Measures.Parse(["num_q", "map", "ndcg_cut.10", "P.5"]);
        EvalReport Report(string name, double shift) => new(name, measures, ["q1", "q<2>"],
            new Dictionary<string, double[]> { ["q1"] = [1, 0.5 + shift, 0.25, 0.2], ["q<2>"] = [1, 1.0 / 3, 0.125 + shift, 0.4] },
            [2, 0.41666666666666669 + shift, 0.1875, 0.3]);
        EvalReport[] reports = [Report("base", 0), Report("rüN \"b\"", 0.1)];
        Comparison[] comparisons = [new("rüN \"b\"", "map", 0.1, 0.5, 0.25, 0.75, 2, 0, 0)];
        var written = new StringWriter();
        EvalTableWriter.Write(written, reports, comparisons, EvalTableWriter.Layout.Json, perTopic);

        // The shape the writer serialized before, with the reflection serializer (available under the JIT).
        var doc = new
        {
            runs = reports.Select(r => new
            {
                run = r.RunName,
                all = r.Measures.Select((m, i) => (m, r.All[i])).Where(x => x.m.IsNumeric).ToDictionary(x => x.m.Id, x => x.Item2),
                topics = perTopic
                    ? r.TopicIds.ToDictionary(t => t, t => r.Measures.Select((m, i) => (m, r.PerTopic[t][i])).Where(x => x.m.IsNumeric).ToDictionary(x => x.m.Id, x => x.Item2))
                    : null,
            }),
            comparisons,
        };
        string expected = JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        Assert.Equal(expected + Environment.NewLine, written.ToString());
        Assert.Contains("\"tTestP\": 0.5", expected);
    }
}
