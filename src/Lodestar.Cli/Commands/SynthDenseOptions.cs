using System.CommandLine;
using Lodestar.Dense;
using Lodestar.Llm.Embedding;
using Lodestar.Synthesis.Data;

namespace Lodestar.Cli.Commands;

/// <summary>The dense side of <c>synth mcts --retriever dense|hybrid</c> and <c>synth negatives</c>: a vector index of
/// the same documents and the embedder of its model (a server, or the embedded engine with <c>--embed-gguf</c>).</summary>
internal sealed class SynthDenseOptions(SynthModelOptions model)
{
    public Option<string?> DenseIndex { get; } = new("--dense-index") { Description = "Vector index of the same documents (lodestar embed, index --dense); default INDEX/dense." };

    /// <summary>The embedder's options; <c>--embed-gguf</c>, since <c>--gguf</c> names the chat model.</summary>
    public EmbedderOptions Embedder { get; } = new(ggufName: "--embed-gguf", llamaLib: model.LlamaLib);

    public void AddTo(Command command)
    {
        command.Options.Add(DenseIndex);
        Embedder.AddTo(command);
    }

    /// <summary>Whether an embedder was named (<c>--embed-endpoint</c> or <c>--embed-gguf</c>).</summary>
    public bool Given(ParseResult parse) => Embedder.Given(parse);

    /// <summary>Opens the vector index (<c>--dense-index</c>, else <paramref name="index"/>/dense) and the embedder;
    /// the result's retriever is dense, or with <paramref name="hybrid"/> BM25 and dense fused by RRF.</summary>
    public Opened Open(ParseResult parse, CliContext context, string index, IDocumentRetriever bm25, bool hybrid)
    {
        EmbeddingProfile profile = Embedder.ReadProfile(parse);
        VectorIndex vectors = VectorIndex.Open(parse.GetValue(DenseIndex) ?? Path.Combine(index, "dense"));
        try
        {
            IEmbedder embedder = Embedder.Open(parse, context, profile);
            if (!string.Equals(vectors.Header.Model, embedder.Model, StringComparison.Ordinal))
            {
                embedder.Dispose();
                throw new ArgumentException($"{vectors.Location}: vectors of model '{vectors.Header.Model}', queries would be embedded with '{embedder.Model}'");
            }

            return new Opened(vectors, embedder, new DenseDocumentRetriever(vectors, embedder, profile, bm25, hybrid));
        }
        catch
        {
            vectors.Dispose();
            throw;
        }
    }

    /// <summary>An open vector index and embedder, and the retriever over them; disposing frees both.</summary>
    public sealed class Opened(VectorIndex vectors, IEmbedder embedder, IDocumentRetriever retriever) : IDisposable
    {
        public IDocumentRetriever Retriever => retriever;

        public void Dispose()
        {
            embedder.Dispose();
            vectors.Dispose();
        }
    }
}
