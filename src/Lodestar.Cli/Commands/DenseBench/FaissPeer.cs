using System.Diagnostics;
using System.Text.Json;

namespace Lodestar.Cli.Commands.DenseBench;

/// <summary>
/// faiss <c>IndexFlatIP</c> in a long-lived Python process (<c>bench/peers/faiss_flat.py</c>), asked for one timed pass
/// at a time so that its passes interleave with Lodestar's in one run.
/// </summary>
/// <remarks>
/// The process gets <c>OPENBLAS_NUM_THREADS</c> and <c>OMP_NUM_THREADS</c> equal to Lodestar's threads and, when
/// given, an OpenBLAS directory first on <c>LD_LIBRARY_PATH</c> and <c>OPENBLAS_CORETYPE</c>. It reports the BLAS it actually mapped; a run whose
/// BLAS is not OpenBLAS is refused unless the caller allows it.
/// </remarks>
internal sealed class FaissPeer : IDisposable
{
    private readonly Process _process;

    private FaissPeer(Process process, JsonElement ready)
    {
        _process = process;
        Version = ready.GetProperty("faiss").GetString()!;
        Blas = string.Join(", ", ready.GetProperty("blas").EnumerateArray().Select(x => x.GetString()));
        BlasCore = ready.GetProperty("blas_core").ValueKind == JsonValueKind.String ? ready.GetProperty("blas_core").GetString()! : "none";
        BlasThreads = ready.GetProperty("blas_threads").ValueKind == JsonValueKind.Number ? ready.GetProperty("blas_threads").GetInt32() : 0;
        OmpThreads = ready.GetProperty("omp_threads").GetInt32();
        ReadySeconds = ready.GetProperty("ready_seconds").GetDouble();
    }

    /// <summary>faiss's version.</summary>
    public string Version { get; }

    /// <summary>The BLAS shared objects the process mapped (real paths).</summary>
    public string Blas { get; }

    /// <summary>OpenBLAS's kernel family (<c>openblas_get_corename</c>), or "none".</summary>
    public string BlasCore { get; }

    /// <summary>OpenBLAS's thread count as it reports it.</summary>
    public int BlasThreads { get; }

    /// <summary>faiss's OpenMP threads.</summary>
    public int OmpThreads { get; }

    /// <summary>Python start, import, reading the vectors and <c>index.add</c>, in seconds (whole-process start-up).</summary>
    public double ReadySeconds { get; }

    /// <summary>Starts the peer and waits until its index is built.</summary>
    /// <exception cref="InvalidOperationException">It failed to start or is not on OpenBLAS (and that is not allowed).</exception>
    public static FaissPeer Start(string python, string script, IEnumerable<string> arguments, int threads, string? openBlasDirectory, string? openBlasCore, bool allowOtherBlas)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["OPENBLAS_NUM_THREADS"] = $"{threads}";
        start.Environment["OMP_NUM_THREADS"] = $"{threads}";
        if (openBlasCore is not null)
        {
            start.Environment["OPENBLAS_CORETYPE"] = openBlasCore;
        }

        if (!string.IsNullOrEmpty(openBlasDirectory))
        {
            start.Environment["LD_LIBRARY_PATH"] = openBlasDirectory + (start.Environment.TryGetValue("LD_LIBRARY_PATH", out string? old) && !string.IsNullOrEmpty(old) ? ":" + old : "");
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{python}: did not start");
        var error = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (error) { error.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        string? line = process.StandardOutput.ReadLine();
        if (line is null)
        {
            process.WaitForExit();
            throw new InvalidOperationException($"{script} exited {process.ExitCode}: {error.ToString().Trim().Split('\n').Last()}");
        }

        using JsonDocument ready = JsonDocument.Parse(line);
        var peer = new FaissPeer(process, ready.RootElement.Clone());
        if (!allowOtherBlas && !peer.Blas.Contains("openblas", StringComparison.Ordinal))
        {
            peer.Dispose();
            throw new InvalidOperationException($"faiss is not on OpenBLAS (mapped: {peer.Blas}); install libopenblas0-pthread or pass --openblas DIR");
        }

        return peer;
    }

    /// <summary>Sends one command and returns its JSON answer.</summary>
    public JsonElement Ask(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"faiss peer exited during '{command}'");
        using JsonDocument doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(10_000))
                {
                    _process.Kill();
                }
            }
        }
        catch (IOException)
        {
            // the pipe is already closed: the process has gone
        }

        _process.Dispose();
    }
}
