using System.Diagnostics;
using Lodestar.Llm.Embedding;

namespace LlamaSharpBench;

/// <summary>One binding driven through the benchmark's workload; each call does what the binding does natively.</summary>
internal interface ISide : IDisposable
{
    /// <summary>The library the native code came from (path and version as far as the binding says).</summary>
    public string Library { get; }

    /// <summary>Loads the model and creates the generation context (<paramref name="sequences"/> sequences, unified KV).</summary>
    public void Load(string gguf, int threads, int contextSize, int sequences);

    /// <summary>Tokens of <paramref name="text"/> with the model's special tokens (BOS).</summary>
    public int[] Tokenize(string text);

    /// <summary>Decodes <paramref name="prompt"/> and samples one token greedily (the first token of start-up).</summary>
    public void FirstToken(int[] prompt);

    /// <summary>Decodes <paramref name="prompt"/> from an empty sequence (inside <paramref name="meter"/>); returns the tokens decoded.</summary>
    public int Prompt(int[] prompt, Meter meter);

    /// <summary>
    /// Decodes <paramref name="prompt"/> once for <paramref name="sequences"/> sequences (outside the meter), then
    /// samples up to <paramref name="maxTokens"/> tokens per sequence in one batch per step, sequence j with its own
    /// sampler seeded <c>seed + j</c> (temperature, then the seeded distribution). Returns the tokens generated and
    /// the first characters of each sequence's text.
    /// </summary>
    public (int Tokens, string[] Heads) Generate(int[] prompt, int sequences, int maxTokens, double temperature, uint seed, Meter meter);

    /// <summary>Creates an embedding context with <paramref name="pooling"/> (outside any meter).</summary>
    public void PrepareEmbeddings(Pooling pooling, int batchTokens, int sequences);

    /// <summary>Embeds <paramref name="texts"/> with the prepared context, L2-normalized.</summary>
    public float[][] Embed(IReadOnlyList<string> texts);
}

/// <summary>Wall and process CPU time of one measured span.</summary>
internal sealed class Meter
{
    private readonly Stopwatch _clock = new();
    private TimeSpan _cpu;

    public double Wall { get; private set; }

    public double Cpu { get; private set; }

    public void Start()
    {
        _cpu = Environment.CpuUsage.TotalTime;
        _clock.Restart();
    }

    public void Stop()
    {
        Wall = _clock.Elapsed.TotalSeconds;
        Cpu = (Environment.CpuUsage.TotalTime - _cpu).TotalSeconds;
    }
}
