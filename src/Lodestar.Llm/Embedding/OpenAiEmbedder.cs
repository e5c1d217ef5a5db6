using System.Numerics.Tensors;
using Lodestar.Llm.Client;

namespace Lodestar.Llm.Embedding;

/// <summary>
/// Embeddings from an OpenAI-compatible <c>/v1/embeddings</c> server (vLLM, SGLang, TEI, Ollama, llama.cpp): texts go
/// in batches of <see cref="BatchSize"/>, up to the client's in-flight limit at once; vectors are L2-normalized when
/// asked (servers differ on whether they normalize).
/// </summary>
public sealed class OpenAiEmbedder(OpenAiClient client, bool normalize = true, int batchSize = 64) : IEmbedder
{
    private int _dimension;

    /// <inheritdoc />
    public string Model => client.Options.Model;

    /// <inheritdoc />
    public int Dimension => _dimension;

    /// <summary>Texts per request.</summary>
    public int BatchSize => batchSize;

    /// <inheritdoc />
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var batches = texts.Chunk(batchSize).Select(b => client.EmbedAsync(b, cancellationToken)).ToList();
        float[][][] results = await Task.WhenAll(batches).ConfigureAwait(false);
        float[][] vectors = [.. results.SelectMany(r => r)];
        foreach (float[] v in vectors)
        {
            if (_dimension == 0)
            {
                _dimension = v.Length;
            }
            else if (v.Length != _dimension)
            {
                throw new LlmException(LlmFailure.Malformed, $"{client.Options.BaseUrl}v1/embeddings (model {Model}): vectors of {v.Length} and {_dimension} dimensions");
            }

            float norm = TensorPrimitives.Norm(v);
            if (normalize && norm > 0)
            {
                TensorPrimitives.Divide(v, norm, v);
            }
        }

        return vectors;
    }

    /// <inheritdoc />
    public void Dispose() => client.Dispose();
}
