namespace Lodestar.Llm.Engine;

/// <summary>
/// A persistent ggml CPU threadpool attached to one context (<c>llama_attach_threadpool</c>), as llama.cpp's own
/// tools attach one. Without it, the CPU backend that the npm package ships (built without OpenMP) creates and
/// joins a fresh pool of threads for every graph it computes, that is for every decoded token, and a one-token
/// decode spends most of its time starting threads and waiting at barriers.
/// </summary>
/// <remarks>
/// <c>ggml_threadpool_new</c>/<c>_free</c> live in the CPU backend, which <c>ggml_backend_load_all_from_path</c>
/// loaded as a plugin, so they are reached through <c>ggml_backend_reg_get_proc_address</c>. Where the backend
/// does not offer them (a build with OpenMP keeps its own threads) nothing is attached.
/// </remarks>
internal sealed unsafe class LlamaThreadpool : IDisposable
{
    private nint _pool;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _free;

    private LlamaThreadpool(nint pool, delegate* unmanaged[Cdecl]<nint, void> free)
    {
        _pool = pool;
        _free = free;
    }

    internal nint Handle => _pool;

    /// <summary>A pool of <paramref name="threads"/> threads (the caller's thread is one of them), or null where
    /// the CPU backend has no threadpool API.</summary>
    internal static LlamaThreadpool? Create(int threads)
    {
        nint reg = Native.ggml_backend_reg_by_name("CPU");
        if (reg == 0)
        {
            return null;
        }

        var create = (delegate* unmanaged[Cdecl]<Native.ThreadpoolParams*, nint>)Native.ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_new");
        var free = (delegate* unmanaged[Cdecl]<nint, void>)Native.ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_free");
        if (create == null || free == null)
        {
            return null;
        }

        Native.ThreadpoolParams p = Native.ThreadpoolParams.Default(threads);
        nint pool = create(&p);
        return pool == 0 ? throw new LlamaException($"llama.cpp could not start a threadpool of {threads} threads") : new LlamaThreadpool(pool, free);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        nint pool = Interlocked.Exchange(ref _pool, 0);
        if (pool != 0)
        {
            _free(pool);
        }
    }
}
