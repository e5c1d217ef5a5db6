using Lodestar.Dense;
using Lodestar.Model;

namespace Lodestar.Llm.Embedding;

/// <summary>Dense first-stage retrieval: topics embedded with the index's query template, then a flat scan per topic.</summary>
public static class DenseRetriever
{
    /// <summary>The top <paramref name="k"/> documents per topic; BRIGHT's excluded ids are removed before the cut.</summary>
    public static async Task<Run> SearchAsync(VectorIndex index, IEmbedder embedder, EmbeddingProfile profile, IReadOnlyList<Topic> topics, int k,
        Precision precision = Precision.Float32, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(index.Header.Model, embedder.Model, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{index.Location}: vectors of model '{index.Header.Model}', queries would be embedded with '{embedder.Model}'");
        }

        EmbeddingProfile queries = profile with { QueryTemplate = index.Header.QueryTemplate };
        var run = new Run($"dense-{index.Header.Model}");
        int done = 0;
        foreach (Topic[] batch in topics.Chunk(64))
        {
            float[][] vectors = await embedder.EmbedAsync([.. batch.Select(t => queries.Query(t.Text))], cancellationToken).ConfigureAwait(false);
            int extra = batch.Max(t => t.ExcludedIds.Count);
            (int Row, float Score)[][] found = precision == Precision.Float32 ? index.SearchMany(vectors, k + extra) : index.SearchManyInt8(vectors, k + extra);
            for (int i = 0; i < batch.Length; i++)
            {
                var excluded = new HashSet<string>(batch[i].ExcludedIds, StringComparer.Ordinal);
                (int Row, float Score)[] hits = found[i];
                run.Set(batch[i].Id, [.. hits.Where(h => !excluded.Contains(index.Ids[h.Row])).Take(k).Select(h => new Hit(index.Ids[h.Row], h.Score))]);
                progress?.Report(++done);
            }
        }

        return run;
    }
}
