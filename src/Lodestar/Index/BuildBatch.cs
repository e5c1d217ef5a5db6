using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Lodestar.Errors;
using Lodestar.Formats;

namespace Lodestar.Index;

/// <summary>
/// One batch of corpus lines on its way through the build's parallel stage. Its lines are cut into chunks of
/// <see cref="ChunkLines"/>; the workers, and the writer when it reaches a batch the workers have not finished, claim
/// chunks in turn (one atomic increment each), so both cores stay busy whichever of analysis and writing is the
/// heavier. Results land in per-line slots, so the order of documents never depends on who analyzed them.
/// </summary>
internal sealed class BuildBatch
{
    /// <summary>Lines per batch.</summary>
    public const int Lines = 2048;

    private const int ChunkLines = 64;


    private readonly List<(ArraySegment<byte> Bytes, long Line)> _lines;
    private readonly InputException?[] _errors;
    private readonly ChunkBuffer?[] _buffers;
    private readonly ManualResetEventSlim _done;
    private readonly int _chunks;
    private readonly Arenas _arenas;
    private byte[]? _arena;
    private int _nextChunk = -1;
    private int _unfinished;
    private Exception? _fault;

    private BuildBatch(List<(ArraySegment<byte> Bytes, long Line)> lines, Arenas arenas, byte[] arena, LineReader reader, InputException? readError)
    {
        _arenas = arenas;
        long bytesRead = reader.BytesRead;
        _lines = lines;
        _arena = arena;
        BytesRead = bytesRead;
        ReadError = readError;
        // pooled: arrays of 2,048 structs are large objects, and a new one per batch would trigger gen-2 collections
        Documents = ArrayPool<AnalyzedDocument>.Shared.Rent(lines.Count);
        Texts = ArrayPool<ArraySegment<byte>>.Shared.Rent(lines.Count);
        _errors = ArrayPool<InputException?>.Shared.Rent(lines.Count);
        _chunks = (lines.Count + ChunkLines - 1) / ChunkLines;
        _buffers = new ChunkBuffer?[_chunks];
        _unfinished = _chunks;
        _done = new ManualResetEventSlim(_chunks == 0);
    }

    /// <summary>Lines in the batch.</summary>
    public int Count => _lines.Count;

    /// <summary>The analyzed documents, by line, the first <see cref="Count"/> (valid after <see cref="Wait"/>).</summary>
    public AnalyzedDocument[] Documents { get; }

    /// <summary>The documents' texts for the store, by line (the first <see cref="Count"/>): slices of the batch's
    /// buffer or unescaped copies.</summary>
    public ArraySegment<byte>[] Texts { get; }

    /// <summary>Bytes of the corpus file read when the batch was complete.</summary>
    public long BytesRead { get; }

    /// <summary>The reader's error right after this batch's lines (a truncated file, bad UTF-8), reported after them.</summary>
    public InputException? ReadError { get; }

    /// <summary>Whether chunks remain unclaimed.</summary>
    public bool HasWork => Volatile.Read(ref _nextChunk) + 1 < _chunks;

    /// <summary>Reads up to <see cref="Lines"/> non-blank lines into one pooled buffer (no array per line; the buffer is
    /// swapped for a larger one when the lines need it); null at the end of the input. A reader error ends the batch
    /// early and is kept in <see cref="ReadError"/>, so errors are still reported in file order.</summary>
    public static BuildBatch? Read(LineReader reader, Arenas arenas)
    {
        List<(ArraySegment<byte> Bytes, long Line)> lines = arenas.RentLines();
        byte[] arena = arenas.Rent(0);
        int used = 0;
        try
        {
            while (lines.Count < Lines && reader.TryReadLine(out ReadOnlySpan<byte> line))
            {
                if (line.Trim((byte)' ').IsEmpty)
                {
                    continue;
                }

                if (used + line.Length > arena.Length)
                {
                    byte[] larger = arenas.Rent(Math.Max(arena.Length * 2, used + line.Length));
                    arena.AsSpan(0, used).CopyTo(larger);
                    arenas.Return(arena);
                    for (int i = 0; i < lines.Count; i++)
                    {
                        lines[i] = (new ArraySegment<byte>(larger, lines[i].Bytes.Offset, lines[i].Bytes.Count), lines[i].Line);
                    }

                    arena = larger;
                }

                line.CopyTo(arena.AsSpan(used));
                lines.Add((new ArraySegment<byte>(arena, used, line.Length), reader.LineNumber));
                used += line.Length;
            }
        }
        catch (InputException e)
        {
            return new BuildBatch(lines, arenas, arena, reader, e);
        }

        if (lines.Count == 0)
        {
            arenas.Return(arena);
            arenas.Return(lines);
            return null;
        }

        return new BuildBatch(lines, arenas, arena, reader, null);
    }

    /// <summary>Claims and analyzes chunks until none are left unclaimed.</summary>
    public void Help(LineAnalyzer analyzer)
    {
        for (int chunk = Interlocked.Increment(ref _nextChunk); chunk < _chunks; chunk = Interlocked.Increment(ref _nextChunk))
        {
            try
            {
                Analyze(chunk, analyzer);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _fault, e, null);
            }
            finally
            {
                // counted done whatever happened, so that the writer's Wait always returns
                if (Interlocked.Decrement(ref _unfinished) == 0)
                {
                    _done.Set();
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Analyze(int chunk, LineAnalyzer analyzer)
    {
        int end = Math.Min(_lines.Count, (chunk + 1) * ChunkLines);
        ChunkBuffer buffer = _buffers[chunk] = _arenas.RentChunk();
        for (int i = chunk * ChunkLines; i < end; i++)
        {
            try
            {
                Documents[i] = analyzer.Analyze(_lines[i].Bytes, _lines[i].Line, buffer, out Texts[i]);
            }
            catch (InputException e)
            {
                _errors[i] = e;
            }
        }
    }

    /// <summary>Waits for the chunks other threads claimed, then throws the batch's first error in file order.</summary>
    public void Wait()
    {
        _done.Wait();
        _done.Dispose();
        if (_fault is not null)
        {
            ExceptionDispatchInfo.Throw(_fault);
        }

        for (int i = 0; i < Count; i++)
        {
            if (_errors[i] is InputException first)
            {
                throw first;
            }
        }

        if (ReadError is not null)
        {
            throw ReadError;
        }
    }

    /// <summary>The distinct term ids of document <paramref name="i"/>, ascending.</summary>
    public ReadOnlySpan<int> TermIds(int i) => _buffers[i / ChunkLines]!.TermIds.AsSpan(Documents[i].First, Documents[i].Distinct);

    /// <summary>The tfs of document <paramref name="i"/>, in the order of <see cref="TermIds"/>.</summary>
    public ReadOnlySpan<int> Tfs(int i) => _buffers[i / ChunkLines]!.Tfs.AsSpan(Documents[i].First, Documents[i].Distinct);

    /// <summary>Returns the line buffer and the chunks' buffers to their pools; the texts must have been copied out
    /// first.</summary>
    public void Release()
    {
        ArrayPool<AnalyzedDocument>.Shared.Return(Documents, clearArray: true);
        ArrayPool<ArraySegment<byte>>.Shared.Return(Texts, clearArray: true);
        ArrayPool<InputException?>.Shared.Return(_errors, clearArray: true);
        for (int i = 0; i < _buffers.Length; i++)
        {
            if (_buffers[i] is ChunkBuffer buffer)
            {
                _arenas.Return(buffer);
                _buffers[i] = null;
            }
        }

        if (_arena is not null)
        {
            _arenas.Return(_arena);
            _arenas.Return(_lines);
            _arena = null;
        }
    }
}

/// <summary>The buffers of the batches, kept for the next batches: the byte buffers they read their lines into (as
/// many as are in flight, each as large as the largest batch needed: 1 MiB at first, about 2,048 lines of 500 bytes),
/// their lists of lines, and their chunks' <see cref="ChunkBuffer"/>s. Line buffers and lists are used by the writer
/// thread only, which reads the batches and releases them; chunk buffers are rented by whichever thread analyzes a
/// chunk, so those go through a lock.</summary>
internal sealed class Arenas
{
    private const int InitialBytes = 1 << 20;
    private const int Kept = 8;

    /// <summary>Chunk buffers kept: enough for the batches in flight (2,048 lines in chunks of 64, a few batches).</summary>
    private const int KeptChunks = 256;

    private readonly List<byte[]> _free = [];
    private readonly Stack<List<(ArraySegment<byte> Bytes, long Line)>> _freeLines = new();
    private readonly Stack<ChunkBuffer> _freeChunks = new();
    private readonly Lock _chunkGate = new();

    /// <summary>A free buffer of at least <paramref name="bytes"/> bytes, or a new one.</summary>
    public byte[] Rent(int bytes)
    {
        for (int i = _free.Count - 1; i >= 0; i--)
        {
            if (_free[i].Length >= bytes)
            {
                byte[] arena = _free[i];
                _free.RemoveAt(i);
                return arena;
            }
        }

        return GC.AllocateUninitializedArray<byte>(Math.Max(bytes, InitialBytes));
    }

    /// <summary>Keeps <paramref name="arena"/> for a later batch.</summary>
    public void Return(byte[] arena)
    {
        if (_free.Count < Kept)
        {
            _free.Add(arena);
        }
    }

    /// <summary>Lets go of every kept buffer (the input is done).</summary>
    public void Clear()
    {
        _free.Clear();
        _freeLines.Clear();
        lock (_chunkGate)
        {
            _freeChunks.Clear();
        }
    }

    /// <summary>An empty list for a batch's lines.</summary>
    public List<(ArraySegment<byte> Bytes, long Line)> RentLines() =>
        _freeLines.TryPop(out var lines) ? lines : new List<(ArraySegment<byte> Bytes, long Line)>(BuildBatch.Lines);

    /// <summary>Keeps a batch's list of lines for a later batch.</summary>
    public void Return(List<(ArraySegment<byte> Bytes, long Line)> lines)
    {
        if (_freeLines.Count < Kept)
        {
            lines.Clear();
            _freeLines.Push(lines);
        }
    }

    /// <summary>An empty chunk buffer. Thread-safe.</summary>
    public ChunkBuffer RentChunk()
    {
        lock (_chunkGate)
        {
            return _freeChunks.TryPop(out ChunkBuffer? chunk) ? chunk : new ChunkBuffer();
        }
    }

    /// <summary>Keeps a chunk buffer whose results the writer has taken. Thread-safe.</summary>
    public void Return(ChunkBuffer chunk)
    {
        chunk.Reset();
        lock (_chunkGate)
        {
            if (_freeChunks.Count < KeptChunks)
            {
                _freeChunks.Push(chunk);
            }
        }
    }
}
