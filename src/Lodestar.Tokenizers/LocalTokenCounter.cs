using Lodestar.Llm.Client;

namespace Lodestar.Tokenizers;

/// <summary>
/// Counts tokens on this machine, without a server: the base of the character estimate, Microsoft.ML.Tokenizers'
/// vocabularies and a GGUF's own tokenizer. <see cref="Open"/> makes one from a user's spec.
/// </summary>
/// <remarks>Counts are of the text alone: no begin-of-sequence or other special tokens, and no chat template.</remarks>
public abstract class LocalTokenCounter : ITokenCounter, IDisposable
{
    /// <summary>What counts, as shown in tables and messages (such as <c>cl100k_base</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The tokens of <paramref name="text"/>.</summary>
    public abstract int Count(string text);

    /// <inheritdoc />
    public Task<int?> CountTokensAsync(string text, CancellationToken cancellationToken = default) => Task.FromResult<int?>(Count(text));

    /// <summary>
    /// A counter from a spec: <c>chars</c> (4 characters a token, the estimate used without a tokenizer),
    /// <c>cl100k</c> or <c>o200k</c> (OpenAI's encodings, shipped with Microsoft.ML.Tokenizers), <c>model:NAME</c>
    /// (the encoding Microsoft.ML.Tokenizers knows for an OpenAI model name, such as <c>model:gpt-4o</c>),
    /// <c>FILE.gguf</c> (the model's own tokenizer, through the embedded engine) or <c>FILE.model</c> (a SentencePiece
    /// model, as Llama 2 and Mistral ship it).
    /// </summary>
    /// <param name="spec">The spec.</param>
    /// <param name="llamaLibrary">Where llama.cpp is, for a GGUF (null: the usual search).</param>
    /// <exception cref="ArgumentException">The spec names no known tokenizer.</exception>
    /// <exception cref="FileNotFoundException">A named file does not exist.</exception>
    public static LocalTokenCounter Open(string spec, string? llamaLibrary = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec switch
        {
            "chars" or "chars/4" => new CharacterTokenCounter(),
            "cl100k" or "cl100k_base" => MlTokenCounter.ForEncoding("cl100k_base"),
            "o200k" or "o200k_base" => MlTokenCounter.ForEncoding("o200k_base"),
            _ when spec.StartsWith("model:", StringComparison.Ordinal) => MlTokenCounter.ForModel(spec["model:".Length..])
                ?? throw new ArgumentException($"unknown tokenizer '{spec}': Microsoft.ML.Tokenizers knows no encoding for the model '{spec["model:".Length..]}'"),
            _ when spec.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) => GgufTokenCounter.Load(spec, llamaLibrary),
            _ when spec.EndsWith(".model", StringComparison.OrdinalIgnoreCase) => MlTokenCounter.ForSentencePiece(spec),
            _ => throw new ArgumentException($"unknown tokenizer '{spec}', expected chars, cl100k, o200k, model:NAME, FILE.gguf or FILE.model"),
        };
    }

    /// <summary>Frees what the counter holds (a loaded model).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what the counter holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
