using Lodestar.Model;

namespace Lodestar.Eval;

/// <summary>
/// BRIGHT's evaluation protocol: qrels from <c>gold_ids</c> (or <c>gold_ids_long</c>), each topic's excluded ids
/// removed from the run before the top-1000 cut, and pytrec_eval-style means to five decimals.
/// </summary>
public static class BrightProtocol
{
    /// <summary>BRIGHT's measures: nDCG, MAP, Recall, P at 1, 5, 10, 25, 50, 100, and MRR.</summary>
    public static IReadOnlyList<Measure> Measures { get; } = Eval.Measures.Parse(
        ["ndcg_cut.1,5,10,25,50,100", "map_cut.1,5,10,25,50,100", "recall.1,5,10,25,50,100", "P.1,5,10,25,50,100", "recip_rank"]);

    /// <summary>The run with excluded ids dropped and each topic cut to its best <paramref name="k"/>, and how many
    /// excluded ids it held.</summary>
    public static (Run Run, int ExcludedRemoved) Apply(Run run, IEnumerable<Topic> topics, int k = 1000)
    {
        var excluded = topics.ToDictionary(t => t.Id, t => new HashSet<string>(t.ExcludedIds, StringComparer.Ordinal), StringComparer.Ordinal);
        var result = new Run(run.Name);
        int removed = 0;
        foreach (string topic in run.TopicIds)
        {
            HashSet<string>? drop = excluded.GetValueOrDefault(topic);
            var hits = new List<Hit>();
            foreach (Hit h in run[topic])
            {
                if (drop is not null && drop.Contains(h.DocId))
                {
                    removed++;
                }
                else
                {
                    hits.Add(h);
                }
            }

            // Stable, like BRIGHT's sorted(..., reverse=True): ties keep the run's order.
            result.Set(topic, [.. hits.OrderByDescending(h => h.Score).Take(k)]);
        }

        return (result, removed);
    }

    /// <summary>A mean as BRIGHT prints it: rounded to five decimals.</summary>
    public static double Round5(double mean) => Math.Round(mean, 5, MidpointRounding.ToEven);
}
