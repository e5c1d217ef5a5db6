using System.Runtime.InteropServices;
using System.Text;

namespace Lodestar.Llm.Engine;

/// <summary>
/// A GGUF model loaded by llama.cpp: metadata, vocabulary, tokenization. Contexts for generation
/// (<see cref="LlamaGenerator"/>) and embeddings (<see cref="LlamaEmbedder"/>) are made from it.
/// </summary>
/// <remarks>Thread-safe for tokenization (llama.cpp's tokenizer is). Dispose frees the weights; dispose the
/// contexts made from a model first.</remarks>
public sealed unsafe class LlamaModel : IDisposable
{
    private nint _model;

    private LlamaModel(string path, nint model)
    {
        Path = path;
        _model = model;
        Vocab = Native.llama_model_get_vocab(model);
        EmbeddingSize = Native.llama_model_n_embd(model);
        TrainContext = Native.llama_model_n_ctx_train(model);
        VocabularySize = Native.llama_vocab_n_tokens(Vocab);
        Bos = Native.llama_vocab_bos(Vocab);
        Eos = Native.llama_vocab_eos(Vocab);
        AddsBos = Native.llama_vocab_get_add_bos(Vocab);
        Metadata = ReadMetadata(model);
        byte* template = Native.llama_model_chat_template(model, null);
        ChatTemplate = template is null ? null : Marshal.PtrToStringUTF8((nint)template);
        var desc = new byte[256];
        fixed (byte* d = desc)
        {
            int n = Native.llama_model_desc(model, d, (nuint)desc.Length);
            Description = n > 0 ? Encoding.UTF8.GetString(desc, 0, Math.Min(n, desc.Length - 1)) : "";
        }

        Parameters = Native.llama_model_n_params(model);
    }

    /// <summary>Loads a GGUF file (memory-mapped where possible).</summary>
    /// <param name="path">The .gguf file.</param>
    /// <param name="libraryPath">Where llama.cpp is, or null to search (see <see cref="LlamaLibrary"/>).</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="LlamaException">llama.cpp refused the file; the message carries its log.</exception>
    public static LlamaModel Load(string path, string? libraryPath = null) => Load(path, libraryPath, gpuLayers: null);

    /// <summary>Loads a GGUF file, offloading <paramref name="gpuLayers"/> layers to the GPU where the loaded
    /// library has one (the CUDA build, <see cref="LlamaLibrary.CudaPackage"/>).</summary>
    /// <param name="path">The .gguf file.</param>
    /// <param name="libraryPath">Where llama.cpp is, or null to search (see <see cref="LlamaLibrary"/>).</param>
    /// <param name="gpuLayers">Layers on the GPU: a negative number for all, 0 for none, null for llama.cpp's default
    /// (all). The CPU build has no GPU and ignores it.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="LlamaException">llama.cpp refused the file; the message carries its log.</exception>
    public static LlamaModel Load(string path, string? libraryPath, int? gpuLayers)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such model file", path);
        }

        LlamaLibrary.Load(libraryPath);
        LlamaLibrary.TakeLog();
        Native.ModelParams parameters = Native.llama_model_default_params();
        if (gpuLayers is int layers)
        {
            parameters.SetInt(Native.ModelParams.NGpuLayers, layers < 0 ? -1 : layers);
        }

        nint model = Native.llama_model_load_from_file(System.IO.Path.GetFullPath(path), parameters);
        if (model == 0)
        {
            string log = LlamaLibrary.TakeLog();
            throw new LlamaException($"{path}: llama.cpp could not load the model{(log.Length > 0 ? ": " + log : "")}");
        }

        return new LlamaModel(path, model);
    }

    /// <summary>The file it was loaded from.</summary>
    public string Path { get; }

    /// <summary>llama.cpp's one-line description, such as <c>llama ?B F16</c>.</summary>
    public string Description { get; }

    /// <summary>Parameter count.</summary>
    public ulong Parameters { get; }

    /// <summary>The embedding (hidden) size, <c>n_embd</c>.</summary>
    public int EmbeddingSize { get; }

    /// <summary>The context length it was trained with.</summary>
    public int TrainContext { get; }

    /// <summary>Tokens in the vocabulary.</summary>
    public int VocabularySize { get; }

    /// <summary>The begin-of-sequence token.</summary>
    public int Bos { get; }

    /// <summary>The end-of-sequence token.</summary>
    public int Eos { get; }

    /// <summary>Whether the model wants BOS before a prompt (<c>tokenizer.ggml.add_bos_token</c>).</summary>
    public bool AddsBos { get; }

    /// <summary>The Jinja chat template stored in the GGUF, if any.</summary>
    public string? ChatTemplate { get; }

    /// <summary>All scalar GGUF metadata as strings (arrays are summarized by llama.cpp).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    internal nint Handle => _model != 0 ? _model : throw new ObjectDisposedException(nameof(LlamaModel));

    internal nint Vocab { get; }

    private nint CheckedVocab => _model != 0 ? Vocab : throw new ObjectDisposedException(nameof(LlamaModel));

    /// <summary>Tokenizes UTF-8 text as <c>llama_tokenize</c> does.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecial">Add BOS/EOS where the model is configured to.</param>
    /// <param name="parseSpecial">Turn special-token text such as <c>&lt;|im_start|&gt;</c> into those tokens.</param>
    public int[] Tokenize(string text, bool addSpecial = false, bool parseSpecial = false)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var tokens = new int[utf8.Length + 8];
        fixed (byte* t = utf8)
        fixed (int* o = tokens)
        {
            int n = Native.llama_tokenize(CheckedVocab, t, utf8.Length, o, tokens.Length, addSpecial, parseSpecial);
            if (n < 0)
            {
                if (n == int.MinValue)
                {
                    throw new LlamaException($"{Path}: text of {utf8.Length} bytes is too long to tokenize");
                }

                tokens = new int[-n];
                fixed (int* o2 = tokens)
                {
                    n = Native.llama_tokenize(Vocab, t, utf8.Length, o2, tokens.Length, addSpecial, parseSpecial);
                }
            }

            return tokens[..n];
        }
    }

    /// <summary>Turns tokens back into text (<c>llama_detokenize</c>).</summary>
    public string Detokenize(ReadOnlySpan<int> tokens, bool renderSpecial = false)
    {
        var buffer = new byte[(tokens.Length * 8) + 16];
        fixed (int* t = tokens)
        {
            while (true)
            {
                fixed (byte* b = buffer)
                {
                    int n = Native.llama_detokenize(CheckedVocab, t, tokens.Length, b, buffer.Length, false, renderSpecial);
                    if (n >= 0)
                    {
                        return Encoding.UTF8.GetString(buffer, 0, n);
                    }

                    buffer = new byte[-n];
                }
            }
        }
    }

    /// <summary>The bytes of one token (a piece may hold part of a UTF-8 character).</summary>
    internal int Piece(int token, Span<byte> buffer, bool renderSpecial)
    {
        fixed (byte* b = buffer)
        {
            return Native.llama_token_to_piece(Vocab, token, b, buffer.Length, 0, renderSpecial);
        }
    }

    /// <summary>Whether the token ends generation (EOS, EOT, …).</summary>
    public bool IsEndOfGeneration(int token) => Native.llama_vocab_is_eog(Vocab, token);

    private static Dictionary<string, string> ReadMetadata(nint model)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        int count = Native.llama_model_meta_count(model);
        var buffer = new byte[4096];
        for (int i = 0; i < count; i++)
        {
            fixed (byte* b = buffer)
            {
                int k = Native.llama_model_meta_key_by_index(model, i, b, (nuint)buffer.Length);
                string key = Encoding.UTF8.GetString(buffer, 0, Math.Clamp(k, 0, buffer.Length - 1));
                int v = Native.llama_model_meta_val_str_by_index(model, i, b, (nuint)buffer.Length);
                metadata[key] = Encoding.UTF8.GetString(buffer, 0, Math.Clamp(v, 0, buffer.Length - 1));
            }
        }

        return metadata;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        nint model = Interlocked.Exchange(ref _model, 0);
        if (model != 0)
        {
            Native.llama_model_free(model);
        }
    }
}
