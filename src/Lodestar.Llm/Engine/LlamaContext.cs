namespace Lodestar.Llm.Engine;

/// <summary>
/// One llama.cpp context and its token batch, shared by <see cref="LlamaGenerator"/> and <see cref="LlamaEmbedder"/>:
/// creation with the settings read back and checked, batch filling, decoding, and deterministic disposal.
/// </summary>
internal sealed unsafe class LlamaContext : IDisposable
{
    private nint _context;
    private Native.Batch _batch;
    private LlamaThreadpool? _threadpool;

    internal LlamaContext(LlamaModel model, uint contextSize, uint batchSize, uint sequences, int threads, bool embeddings, int pooling)
    {
        Model = model;
        Native.ContextParams p = Native.llama_context_default_params();
        p.SetUInt(Native.ContextParams.NCtx, contextSize);
        p.SetUInt(Native.ContextParams.NBatch, batchSize);
        p.SetUInt(Native.ContextParams.NUbatch, batchSize);
        p.SetUInt(Native.ContextParams.NSeqMax, sequences);
        p.SetUInt(Native.ContextParams.NThreads, (uint)threads);
        p.SetUInt(Native.ContextParams.NThreadsBatch, (uint)threads);
        p.SetUInt(Native.ContextParams.PoolingType, (uint)pooling);
        p.SetBool(Native.ContextParams.Embeddings, embeddings);
        p.SetBool(Native.ContextParams.KvUnified, true);
        LlamaLibrary.TakeLog();
        _context = Native.llama_init_from_model(model.Handle, p);
        if (_context == 0)
        {
            string log = LlamaLibrary.TakeLog();
            throw new LlamaException($"{model.Path}: llama.cpp could not create a context of {contextSize} tokens{(log.Length > 0 ? ": " + log : "")}");
        }

        Size = Native.llama_n_ctx(_context);
        BatchSize = Native.llama_n_batch(_context);
        Sequences = Native.llama_n_seq_max(_context);
        Pooling = Native.llama_pooling_type(_context);
        if (Size < contextSize || BatchSize != batchSize || Sequences != sequences || Native.llama_n_threads(_context) != threads
            || (pooling >= 0 && Pooling != pooling))
        {
            Dispose();
            throw new LlamaException($"llama.cpp {LlamaLibrary.Version} did not take the context settings (the parameter layout differs from {LlamaLibrary.ApiVersion}x)");
        }

        _batch = Native.llama_batch_init((int)batchSize, 0, (int)sequences);
        _threadpool = LlamaThreadpool.Create(threads);
        if (_threadpool is not null)
        {
            Native.llama_attach_threadpool(_context, _threadpool.Handle, _threadpool.Handle);
        }
    }

    /// <summary>Whether a persistent threadpool is attached (see <see cref="LlamaThreadpool"/>).</summary>
    internal bool HasThreadpool => _threadpool is not null;

    internal LlamaModel Model { get; }

    internal uint Size { get; }

    internal uint BatchSize { get; }

    internal uint Sequences { get; }

    internal int Pooling { get; }

    internal nint Handle => _context != 0 ? _context : throw new ObjectDisposedException(nameof(LlamaContext));

    internal int Count => _batch.NTokens;

    /// <summary>Empties the KV cache.</summary>
    internal void Clear() => Native.llama_memory_clear(Native.llama_get_memory(Handle), true);

    internal void ResetBatch() => _batch.NTokens = 0;

    /// <summary>Adds one token at <paramref name="position"/> belonging to sequences <c>[firstSeq, firstSeq + seqCount)</c>.</summary>
    internal void Add(int token, int position, int firstSeq, int seqCount, bool output)
    {
        int i = _batch.NTokens++;
        _batch.Token[i] = token;
        _batch.Pos[i] = position;
        _batch.NSeqId[i] = seqCount;
        for (int s = 0; s < seqCount; s++)
        {
            _batch.SeqId[i][s] = firstSeq + s;
        }

        _batch.Logits[i] = output ? (sbyte)1 : (sbyte)0;
    }

    /// <summary>Runs the batch; llama.cpp's error codes become exceptions.</summary>
    internal void Decode(bool encode = false)
    {
        int rc = encode ? Native.llama_encode(Handle, _batch) : Native.llama_decode(Handle, _batch);
        if (rc != 0)
        {
            string log = LlamaLibrary.TakeLog();
            throw new LlamaException($"{Model.Path}: llama_{(encode ? "encode" : "decode")} returned {rc} " +
                $"({(rc == 1 ? "no room in the context" : rc == 2 ? "aborted" : rc == -1 ? "invalid batch" : "fatal error")}){(log.Length > 0 ? ": " + log : "")}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        nint context = Interlocked.Exchange(ref _context, 0);
        if (context != 0)
        {
            if (_batch.Token != null)
            {
                Native.llama_batch_free(_batch);
                _batch = default;
            }

            if (_threadpool is not null)
            {
                Native.llama_detach_threadpool(context);
            }

            Native.llama_free(context);
            _threadpool?.Dispose();
            _threadpool = null;
        }
    }
}
