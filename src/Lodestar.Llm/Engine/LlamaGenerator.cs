using System.Diagnostics;
using System.Text;

namespace Lodestar.Llm.Engine;

/// <summary>Sampling settings of the embedded engine.</summary>
/// <param name="Temperature">0 or less samples greedily.</param>
/// <param name="TopP">Nucleus mass (1 keeps all).</param>
/// <param name="TopK">Top-k (0 keeps all).</param>
/// <param name="Seed">Sample <c>j</c> of a request draws with seed <c>Seed + j</c>.</param>
/// <param name="MaxTokens">New tokens per sample at most.</param>
/// <param name="Stop">Stop strings; the answer ends before the first one.</param>
public sealed record Sampling(double Temperature = 0.8, double TopP = 1.0, int TopK = 0, long Seed = 0, int MaxTokens = 256, IReadOnlyList<string>? Stop = null);

/// <summary>One generated sample.</summary>
/// <param name="Text">The answer.</param>
/// <param name="FinishReason"><c>stop</c> (end of generation or a stop string) or <c>length</c>.</param>
/// <param name="Tokens">Tokens generated.</param>
public sealed record Generated(string Text, string FinishReason, int Tokens);

/// <summary>
/// Batched generation: the prompt is decoded once, shared by <c>n</c> parallel sequences in a unified KV cache, and
/// each step decodes one token of every unfinished sequence in one batch. Each sequence has its own sampler chain
/// (top-k → top-p → temperature → seeded draw), so a fixed seed gives the same answers.
/// </summary>
/// <remarks>One request at a time (a lock); the context holds <c>prompt + n × max tokens</c>. The KV state of the
/// previous request's prompt is kept, and a request decodes only what follows the prefix it shares with it (the
/// template and query of a reranking run), as llama-server's prompt cache does. The decode threads are a persistent
/// ggml threadpool.</remarks>
public sealed class LlamaGenerator : IDisposable
{
    private readonly LlamaContext _context;
    private readonly Lock _gate = new();
    private int[] _cached = [];

    /// <summary>Creates a generation context.</summary>
    /// <param name="model">The model.</param>
    /// <param name="contextSize">KV cells in all (prompt plus every sample's answer).</param>
    /// <param name="maxSequences">Samples per request at most.</param>
    /// <param name="threads">CPU threads (0: all cores).</param>
    public LlamaGenerator(LlamaModel model, int contextSize = 4096, int maxSequences = 8, int threads = 0)
    {
        int t = threads > 0 ? threads : Environment.ProcessorCount;
        Threads = t;
        _context = new LlamaContext(model, (uint)contextSize, (uint)Math.Min(contextSize, 512), (uint)maxSequences, t, embeddings: false, pooling: -1);
    }

    /// <summary>The model.</summary>
    public LlamaModel Model => _context.Model;

    /// <summary>KV cells in the context.</summary>
    public int ContextSize => (int)_context.Size;

    /// <summary>Samples per request at most.</summary>
    public int MaxSequences => (int)_context.Sequences;

    /// <summary>The CPU threads decoding uses.</summary>
    public int Threads { get; }

    /// <summary>Whether a persistent ggml threadpool is attached (see <see cref="LlamaThreadpool"/>).</summary>
    internal bool HasThreadpool => _context.HasThreadpool;

    /// <summary>Prompt tokens decoded so far, over all requests.</summary>
    public long PromptTokensDecoded { get; private set; }

    /// <summary>Prompt tokens whose KV state was kept from the previous request instead of decoded again.</summary>
    public long PromptTokensReused { get; private set; }

    /// <summary>Generates <paramref name="n"/> samples continuing <paramref name="prompt"/>.</summary>
    /// <exception cref="LlamaException">The prompt does not fit, or llama.cpp failed.</exception>
    public (List<Generated> Samples, TimeSpan Elapsed) Generate(int[] prompt, int n, Sampling sampling, CancellationToken cancellationToken = default)
    {
        if (n < 1 || n > MaxSequences)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"1 to {MaxSequences} samples per request");
        }

        if (prompt.Length == 0 || prompt.Length >= ContextSize)
        {
            throw new LlamaException($"{Model.Path}: a prompt of {prompt.Length} tokens does not fit a context of {ContextSize}");
        }

        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            int reuse = Reuse(prompt, n);
            _cached = [];
            int budget = Math.Min(sampling.MaxTokens, (ContextSize - prompt.Length) / n);
            for (int start = reuse; start < prompt.Length; start += (int)_context.BatchSize)
            {
                _context.ResetBatch();
                int end = Math.Min(prompt.Length, start + (int)_context.BatchSize);
                for (int i = start; i < end; i++)
                {
                    _context.Add(prompt[i], i, 0, n, output: i == prompt.Length - 1);
                }

                _context.Decode();
            }

            _cached = prompt.ToArray();
            PromptTokensReused += reuse;
            PromptTokensDecoded += prompt.Length - reuse;
            var samplers = new nint[n];
            var bytes = new List<byte>[n];
            var finish = new string?[n];
            var counts = new int[n];
            var outputIndex = new int[n];
            Array.Fill(outputIndex, _context.Count - 1);
            try
            {
                for (int j = 0; j < n; j++)
                {
                    samplers[j] = NewSampler(sampling, sampling.Seed + j);
                    bytes[j] = [];
                }

                Span<byte> piece = stackalloc byte[256];
                for (int step = 0; ; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var next = new List<(int Seq, int Token)>();
                    for (int j = 0; j < n; j++)
                    {
                        if (finish[j] is not null)
                        {
                            continue;
                        }

                        int token = Native.llama_sampler_sample(samplers[j], _context.Handle, outputIndex[j]);
                        if (Model.IsEndOfGeneration(token))
                        {
                            finish[j] = "stop";
                            continue;
                        }

                        counts[j]++;
                        int length = Model.Piece(token, piece, renderSpecial: false);
                        if (length > 0)
                        {
                            bytes[j].AddRange(piece[..length]);
                        }

                        if (sampling.Stop is { Count: > 0 } stop && StopAt(bytes[j], stop) is int cut)
                        {
                            bytes[j].RemoveRange(cut, bytes[j].Count - cut);
                            finish[j] = "stop";
                        }
                        else if (counts[j] >= budget)
                        {
                            finish[j] = "length";
                        }
                        else
                        {
                            next.Add((j, token));
                        }
                    }

                    if (next.Count == 0)
                    {
                        break;
                    }

                    _context.ResetBatch();
                    foreach ((int seq, int token) in next)
                    {
                        outputIndex[seq] = _context.Count;
                        _context.Add(token, prompt.Length + counts[seq] - 1, seq, 1, output: true);
                    }

                    _context.Decode();
                }
            }
            finally
            {
                foreach (nint s in samplers.Where(s => s != 0))
                {
                    Native.llama_sampler_free(s);
                }
            }

            var samples = new List<Generated>(n);
            for (int j = 0; j < n; j++)
            {
                samples.Add(new Generated(Encoding.UTF8.GetString([.. bytes[j]]), finish[j] ?? "length", counts[j]));
            }

            return (samples, clock.Elapsed);
        }
    }

    /// <summary>
    /// Keeps the KV state of the longest prefix this prompt shares with the previous request's (as llama-server's
    /// prompt cache does): sequence 0 still holds that prompt, so everything after the shared prefix is removed
    /// (the other sequences entirely), and the prefix is shared with sequences 1..n-1 (in the unified cache a copy
    /// only tags the cells). At least the last prompt token is decoded again, for its logits. Returns the tokens
    /// kept; 0 after clearing the cache.
    /// </summary>
    private int Reuse(int[] prompt, int n)
    {
        int common = prompt.AsSpan().CommonPrefixLength(_cached);
        int reuse = Math.Min(common, prompt.Length - 1);
        nint memory = Native.llama_get_memory(_context.Handle);
        if (reuse > 0)
        {
            for (int s = 1; s < MaxSequences; s++)
            {
                Native.llama_memory_seq_rm(memory, s, -1, -1);
            }

            if (Native.llama_memory_seq_rm(memory, 0, reuse, -1))
            {
                for (int s = 1; s < n; s++)
                {
                    Native.llama_memory_seq_cp(memory, 0, s, -1, -1);
                }

                return reuse;
            }
        }

        _context.Clear();
        return 0;
    }

    private static int? StopAt(List<byte> bytes, IReadOnlyList<string> stop)
    {
        string text = Encoding.UTF8.GetString([.. bytes]);
        int best = -1;
        foreach (string s in stop.Where(s => s.Length > 0))
        {
            int at = text.IndexOf(s, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
            }
        }

        return best < 0 ? null : Encoding.UTF8.GetByteCount(text.AsSpan(0, best));
    }

    private static nint NewSampler(Sampling sampling, long seed)
    {
        nint chain = Native.llama_sampler_chain_init(new Native.SamplerChainParams { NoPerf = 1 });
        if (sampling.Temperature <= 0)
        {
            Native.llama_sampler_chain_add(chain, Native.llama_sampler_init_greedy());
            return chain;
        }

        if (sampling.TopK > 0)
        {
            Native.llama_sampler_chain_add(chain, Native.llama_sampler_init_top_k(sampling.TopK));
        }

        if (sampling.TopP < 1)
        {
            Native.llama_sampler_chain_add(chain, Native.llama_sampler_init_top_p((float)sampling.TopP, 1));
        }

        Native.llama_sampler_chain_add(chain, Native.llama_sampler_init_temp((float)sampling.Temperature));
        Native.llama_sampler_chain_add(chain, Native.llama_sampler_init_dist(unchecked((uint)seed)));
        return chain;
    }

    /// <inheritdoc />
    public void Dispose() => _context.Dispose();
}
