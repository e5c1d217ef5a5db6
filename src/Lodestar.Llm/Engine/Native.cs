using System.Runtime.InteropServices;

namespace Lodestar.Llm.Engine;

/// <summary>
/// P/Invoke declarations for the part of llama.cpp's C API (<c>llama.h</c>, release 0.5.0) that Lodestar uses.
/// The library names <c>llama</c> and <c>ggml</c> are resolved by <see cref="LlamaLibrary"/>.
/// </summary>
/// <remarks>
/// The parameter structs are passed by value, so their sizes must equal the C ones. Lodestar treats them as
/// opaque blocks filled by <c>llama_*_default_params</c> and writes only the fields it needs, at the offsets of
/// 0.5.0; <see cref="LlamaLibrary"/> checks the defaults at those offsets when it loads the library, and every
/// context reads its settings back (<c>llama_n_ctx</c>, <c>llama_n_seq_max</c>, …), so a library with another
/// layout is refused instead of misread. See docs/decisions/llama-abi.md.
/// </remarks>
internal static unsafe partial class Native
{
    internal const string Llama = "llama";
    internal const string Ggml = "ggml";

    /// <summary><c>struct llama_model_params</c>: 80 bytes in 0.5.0; Lodestar keeps the defaults but for
    /// <c>n_gpu_layers</c> (offset 16, after the <c>devices</c> and <c>tensor_buft_overrides</c> pointers).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 80)]
    internal struct ModelParams
    {
        internal const int NGpuLayers = 0x10;

        private long _first;

        internal int GetInt(int offset)
        {
            fixed (long* p = &_first)
            {
                return *(int*)((byte*)p + offset);
            }
        }

        internal void SetInt(int offset, int value)
        {
            fixed (long* p = &_first)
            {
                *(int*)((byte*)p + offset) = value;
            }
        }
    }

    /// <summary><c>struct llama_context_params</c>: 160 bytes in 0.5.0, written through the offsets below.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 160)]
    internal struct ContextParams
    {
        internal const int NCtx = 0x00, NBatch = 0x04, NUbatch = 0x08, NSeqMax = 0x0c, NThreads = 0x1c, NThreadsBatch = 0x20,
            PoolingType = 0x2c, Embeddings = 0x80, OffloadKqv = 0x81, KvUnified = 0x85;

        private long _first;

        internal uint GetUInt(int offset)
        {
            fixed (long* p = &_first)
            {
                return *(uint*)((byte*)p + offset);
            }
        }

        internal void SetUInt(int offset, uint value)
        {
            fixed (long* p = &_first)
            {
                *(uint*)((byte*)p + offset) = value;
            }
        }

        internal bool GetBool(int offset)
        {
            fixed (long* p = &_first)
            {
                return *((byte*)p + offset) != 0;
            }
        }

        internal void SetBool(int offset, bool value)
        {
            fixed (long* p = &_first)
            {
                *((byte*)p + offset) = value ? (byte)1 : (byte)0;
            }
        }
    }

    /// <summary><c>struct llama_batch</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Batch
    {
        public int NTokens;
        public int* Token;
        public float* Embd;
        public int* Pos;
        public int* NSeqId;
        public int** SeqId;
        public sbyte* Logits;
    }

    /// <summary><c>struct llama_chat_message</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ChatMessage
    {
        public byte* Role;
        public byte* Content;
    }

    /// <summary><c>struct llama_sampler_chain_params</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct SamplerChainParams
    {
        public byte NoPerf;
    }

    [LibraryImport(Ggml, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ggml_backend_load_all_from_path(string? dirPath);

    [LibraryImport(Ggml)]
    internal static partial nuint ggml_backend_reg_count();

    [LibraryImport(Ggml, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ggml_backend_reg_by_name(string name);

    [LibraryImport(Ggml)]
    internal static partial nuint ggml_backend_dev_count();

    [LibraryImport(Ggml)]
    internal static partial nint ggml_backend_dev_get(nuint index);

    /// <summary><c>enum ggml_backend_dev_type</c>: 0 CPU, 1 GPU, 2 integrated GPU, 3 accelerator.</summary>
    [LibraryImport(Ggml)]
    internal static partial int ggml_backend_dev_type(nint device);

    [LibraryImport(Ggml)]
    internal static partial byte* ggml_backend_dev_description(nint device);

    [LibraryImport(Ggml, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ggml_backend_reg_get_proc_address(nint reg, string name);

    /// <summary><c>struct ggml_threadpool_params</c>: a CPU mask of <c>GGML_MAX_N_THREADS</c> (512) flags, then the
    /// thread count, priority, polling level, strict placement and paused flags; 528 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 528)]
    internal struct ThreadpoolParams
    {
        internal const int NThreads = 512, Priority = 516, Poll = 520, StrictCpu = 524, Paused = 525;

        private long _first;

        /// <summary>What <c>ggml_threadpool_params_init(p, threads)</c> writes: default affinity, normal priority,
        /// polling level 50, no strict placement, running.</summary>
        internal static ThreadpoolParams Default(int threads, uint poll = 50)
        {
            var p = default(ThreadpoolParams);
            byte* b = (byte*)&p;
            *(int*)(b + NThreads) = threads;
            *(int*)(b + Priority) = 0;
            *(uint*)(b + Poll) = poll;
            return p;
        }
    }

    [LibraryImport(Llama)]
    internal static partial void llama_attach_threadpool(nint context, nint threadpool, nint threadpoolBatch);

    [LibraryImport(Llama)]
    internal static partial void llama_detach_threadpool(nint context);

    [LibraryImport(Llama)]
    internal static partial byte* llama_version();

    [LibraryImport(Llama)]
    internal static partial void llama_backend_init();

    [LibraryImport(Llama)]
    internal static partial void llama_log_set(delegate* unmanaged[Cdecl]<int, byte*, void*, void> callback, void* userData);

    [LibraryImport(Llama)]
    internal static partial ModelParams llama_model_default_params();

    [LibraryImport(Llama)]
    internal static partial ContextParams llama_context_default_params();

    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint llama_model_load_from_file(string path, ModelParams parameters);

    [LibraryImport(Llama)]
    internal static partial void llama_model_free(nint model);

    [LibraryImport(Llama)]
    internal static partial nint llama_init_from_model(nint model, ContextParams parameters);

    [LibraryImport(Llama)]
    internal static partial void llama_free(nint context);

    [LibraryImport(Llama)]
    internal static partial nint llama_model_get_vocab(nint model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_embd(nint model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_n_ctx_train(nint model);

    [LibraryImport(Llama)]
    internal static partial ulong llama_model_n_params(nint model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_meta_count(nint model);

    [LibraryImport(Llama)]
    internal static partial int llama_model_meta_key_by_index(nint model, int i, byte* buf, nuint size);

    [LibraryImport(Llama)]
    internal static partial int llama_model_meta_val_str_by_index(nint model, int i, byte* buf, nuint size);

    [LibraryImport(Llama)]
    internal static partial int llama_model_desc(nint model, byte* buf, nuint size);

    [LibraryImport(Llama)]
    internal static partial byte* llama_model_chat_template(nint model, byte* name);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_model_has_encoder(nint model);

    [LibraryImport(Llama)]
    internal static partial int llama_vocab_n_tokens(nint vocab);

    [LibraryImport(Llama)]
    internal static partial int llama_vocab_bos(nint vocab);

    [LibraryImport(Llama)]
    internal static partial int llama_vocab_eos(nint vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_vocab_get_add_bos(nint vocab);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_vocab_is_eog(nint vocab, int token);

    [LibraryImport(Llama)]
    internal static partial int llama_tokenize(nint vocab, byte* text, int textLength, int* tokens, int maxTokens,
        [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(Llama)]
    internal static partial int llama_detokenize(nint vocab, int* tokens, int count, byte* text, int maxLength,
        [MarshalAs(UnmanagedType.U1)] bool removeSpecial, [MarshalAs(UnmanagedType.U1)] bool unparseSpecial);

    [LibraryImport(Llama)]
    internal static partial int llama_token_to_piece(nint vocab, int token, byte* buf, int length, int lstrip,
        [MarshalAs(UnmanagedType.U1)] bool special);

    [LibraryImport(Llama)]
    internal static partial int llama_chat_apply_template(byte* template, ChatMessage* chat, nuint count,
        [MarshalAs(UnmanagedType.U1)] bool addAssistant, byte* buf, int length);

    [LibraryImport(Llama)]
    internal static partial Batch llama_batch_init(int tokens, int embd, int seqMax);

    [LibraryImport(Llama)]
    internal static partial void llama_batch_free(Batch batch);

    [LibraryImport(Llama)]
    internal static partial int llama_decode(nint context, Batch batch);

    [LibraryImport(Llama)]
    internal static partial int llama_encode(nint context, Batch batch);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_ctx(nint context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_batch(nint context);

    [LibraryImport(Llama)]
    internal static partial uint llama_n_seq_max(nint context);

    [LibraryImport(Llama)]
    internal static partial int llama_n_threads(nint context);

    [LibraryImport(Llama)]
    internal static partial int llama_pooling_type(nint context);

    [LibraryImport(Llama)]
    internal static partial nint llama_get_memory(nint context);

    [LibraryImport(Llama)]
    internal static partial void llama_memory_clear(nint memory, [MarshalAs(UnmanagedType.U1)] bool data);

    [LibraryImport(Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_memory_seq_rm(nint memory, int seqId, int p0, int p1);

    [LibraryImport(Llama)]
    internal static partial void llama_memory_seq_cp(nint memory, int seqSrc, int seqDst, int p0, int p1);

    [LibraryImport(Llama)]
    internal static partial float* llama_get_embeddings_seq(nint context, int seqId);

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_chain_init(SamplerChainParams parameters);

    [LibraryImport(Llama)]
    internal static partial void llama_sampler_chain_add(nint chain, nint sampler);

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_greedy();

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_dist(uint seed);

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_top_k(int k);

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_top_p(float p, nuint minKeep);

    [LibraryImport(Llama)]
    internal static partial nint llama_sampler_init_temp(float t);

    [LibraryImport(Llama)]
    internal static partial int llama_sampler_sample(nint sampler, nint context, int i);

    [LibraryImport(Llama)]
    internal static partial void llama_sampler_free(nint sampler);
}
