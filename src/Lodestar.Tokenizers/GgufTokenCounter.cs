using Lodestar.Llm.Engine;

namespace Lodestar.Tokenizers;

/// <summary>Counts with a GGUF model's own tokenizer (<c>llama_tokenize</c> through the embedded engine): exact
/// for that model by definition.</summary>
/// <remarks>The model is memory-mapped with no layer on a GPU; tokenizing reads only the vocabulary.</remarks>
public sealed class GgufTokenCounter : LocalTokenCounter
{
    private readonly LlamaModel _model;
    private readonly bool _ownsModel;

    /// <summary>Counts with a loaded model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="ownsModel">Dispose the model with the counter.</param>
    public GgufTokenCounter(LlamaModel model, bool ownsModel = false)
    {
        _model = model;
        _ownsModel = ownsModel;
        Name = Path.GetFileName(model.Path);
    }

    /// <summary>Loads <paramref name="path"/> for its tokenizer.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="LlamaException">llama.cpp could not load it.</exception>
    public static GgufTokenCounter Load(string path, string? llamaLibrary = null) => new(LlamaModel.Load(path, llamaLibrary, gpuLayers: 0), ownsModel: true);

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override int Count(string text) => _model.Tokenize(text, addSpecial: false, parseSpecial: false).Length;

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsModel)
        {
            _model.Dispose();
        }
    }
}
