using System.Numerics.Tensors;
using Lodestar.Llm.Embedding;

namespace Lodestar.Llm.Engine;

/// <summary>
/// Embeddings from the embedded engine: texts are tokenized, cut to <see cref="MaxTokens"/>, packed into batches of
/// up to <c>batchTokens</c> tokens and <c>sequences</c> texts, one sequence each, and pooled by llama.cpp.
/// </summary>
/// <remarks>A text's vector does not depend on which texts share its batch (sequences do not attend to each other);
/// the tests pin that to 1e-5.</remarks>
public sealed class LlamaEmbedder : IEmbedder
{
    private readonly LlamaContext _context;
    private readonly bool _normalize;
    private readonly bool _encoder;
    private readonly Lock _gate = new();

    /// <summary>Creates an embedding context.</summary>
    /// <param name="model">The model.</param>
    /// <param name="pooling">Pooling.</param>
    /// <param name="normalize">L2-normalize.</param>
    /// <param name="batchTokens">Tokens per batch; also the longest text (longer ones are cut).</param>
    /// <param name="sequences">Texts per batch at most.</param>
    /// <param name="threads">CPU threads (0: all cores).</param>
    public LlamaEmbedder(LlamaModel model, Pooling pooling = Pooling.Mean, bool normalize = true, int batchTokens = 2048, int sequences = 32, int threads = 0)
    {
        int t = threads > 0 ? threads : Environment.ProcessorCount;
        _context = new LlamaContext(model, (uint)batchTokens, (uint)batchTokens, (uint)sequences, t, embeddings: true, pooling: (int)pooling);
        _normalize = normalize;
        _encoder = Native.llama_model_has_encoder(model.Handle);
        Pooling = pooling;
        Threads = t;
    }

    /// <summary>The CPU threads it uses.</summary>
    public int Threads { get; }

    /// <inheritdoc />
    public string Model => Path.GetFileName(_context.Model.Path);

    /// <inheritdoc />
    public int Dimension => _context.Model.EmbeddingSize;

    /// <summary>The pooling in use.</summary>
    public Pooling Pooling { get; }

    /// <summary>The longest text in tokens; longer ones are cut.</summary>
    public int MaxTokens => (int)_context.BatchSize;

    /// <summary>Tokens embedded so far (for throughput figures).</summary>
    public long TokensEmbedded { get; private set; }

    /// <inheritdoc />
    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        Task.Run(() => Embed(texts, cancellationToken), cancellationToken);

    /// <summary>Embeds <paramref name="texts"/> in order, synchronously.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var tokens = texts.Select(t =>
        {
            int[] all = _context.Model.Tokenize(t, addSpecial: true);
            return all.Length == 0 ? [_context.Model.Bos] : all.Length > MaxTokens ? all[..MaxTokens] : all;
        }).ToArray();
        var vectors = new float[texts.Count][];
        lock (_gate)
        {
            int next = 0;
            while (next < tokens.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int first = next, used = 0;
                while (next < tokens.Length && next - first < _context.Sequences && used + tokens[next].Length <= MaxTokens)
                {
                    used += tokens[next++].Length;
                }

                _context.Clear();
                _context.ResetBatch();
                for (int s = first; s < next; s++)
                {
                    for (int i = 0; i < tokens[s].Length; i++)
                    {
                        _context.Add(tokens[s][i], i, s - first, 1, output: true); // pooled embeddings read every token
                    }
                }

                _context.Decode(_encoder);
                for (int s = first; s < next; s++)
                {
                    vectors[s] = Read(s - first);
                }

                TokensEmbedded += used;
            }
        }

        return vectors;
    }

    private unsafe float[] Read(int seq)
    {
        float* pooled = Native.llama_get_embeddings_seq(_context.Handle, seq);
        if (pooled is null)
        {
            throw new LlamaException($"{_context.Model.Path}: llama.cpp returned no pooled embedding for sequence {seq}");
        }

        var vector = new ReadOnlySpan<float>(pooled, Dimension).ToArray();
        if (_normalize)
        {
            float norm = TensorPrimitives.Norm(vector);
            if (norm > 0)
            {
                TensorPrimitives.Divide(vector, norm, vector);
            }
        }

        return vector;
    }

    /// <inheritdoc />
    public void Dispose() => _context.Dispose();
}
