namespace Lodestar.Llm.Embedding;

/// <summary>Turns texts into vectors: a remote <c>/v1/embeddings</c> server or the embedded llama.cpp engine.</summary>
public interface IEmbedder : IDisposable
{
    /// <summary>The model's name (recorded in the vector index's header).</summary>
    public string Model { get; }

    /// <summary>Vector length; 0 until known (a remote server tells it with its first answer).</summary>
    public int Dimension { get; }

    /// <summary>Embeds <paramref name="texts"/> in order; vectors are unit length when the embedder normalizes.</summary>
    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
