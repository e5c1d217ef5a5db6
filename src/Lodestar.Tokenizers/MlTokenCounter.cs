using Microsoft.ML.Tokenizers;

namespace Lodestar.Tokenizers;

/// <summary>Counts with a Microsoft.ML.Tokenizers tokenizer: OpenAI's tiktoken encodings (data shipped in its
/// packages, nothing downloaded) or a SentencePiece model file.</summary>
public sealed class MlTokenCounter : LocalTokenCounter
{
    private readonly Tokenizer _tokenizer;

    private MlTokenCounter(Tokenizer tokenizer, string name)
    {
        _tokenizer = tokenizer;
        Name = name;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>A tiktoken encoding by name: <c>cl100k_base</c> or <c>o200k_base</c>.</summary>
    public static MlTokenCounter ForEncoding(string encoding) => new(TiktokenTokenizer.CreateForEncoding(encoding), encoding);

    /// <summary>The tiktoken encoding of an OpenAI model name (<c>gpt-4o</c>: o200k_base, <c>gpt-4</c>: cl100k_base),
    /// or null when Microsoft.ML.Tokenizers does not know the name.</summary>
    public static MlTokenCounter? ForModel(string model)
    {
        try
        {
            return new MlTokenCounter(TiktokenTokenizer.CreateForModel(model), $"tiktoken for {model}");
        }
        catch (NotSupportedException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A SentencePiece model file (<c>tokenizer.model</c>), counted without BOS/EOS.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static MlTokenCounter ForSentencePiece(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such tokenizer file", path);
        }

        using FileStream stream = File.OpenRead(path);
        return new MlTokenCounter(LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false), Path.GetFileName(path));
    }

    /// <inheritdoc />
    public override int Count(string text) => _tokenizer.CountTokens(text);
}
