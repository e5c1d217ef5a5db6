using System.Buffers.Binary;
using System.IO.Compression;

namespace Lodestar.Index;

/// <summary>
/// Writes the document store (<see cref="DocumentStore"/>): texts arrive in document order and are appended to a raw
/// block (varint byte length, then the bytes, per text); a block is Brotli-compressed and written when it holds
/// <see cref="BlockBytes"/> bytes or <see cref="BlockDocuments"/> texts. Blocks are compressed on the thread pool, a
/// few at a time, and written in order, so the file is the same whatever the timing.
/// </summary>
/// <remarks>
/// Blocks are cut by size, not by count, so their layout depends only on the texts (not on how the build batches its
/// input), a fetch decompresses about 16 KiB whatever the document lengths, and Brotli sees enough text to pay its
/// set-up cost. Measured on the 534,622-passage benchmark corpus (44 MB of text): Brotli quality 0 over 16 KiB blocks
/// takes 42 % of the time of quality 1 over blocks of 32 texts and gives 41 % of the raw size instead of 48 %
/// (docs/benchmarks.md).
/// </remarks>
internal sealed class StoreWriter : IDisposable
{
    /// <summary>Raw bytes after which a block is closed.</summary>
    public const int BlockBytes = 16 << 10;

    /// <summary>Texts after which a block is closed (bounds the scan for one text inside a block).</summary>
    public const int BlockDocuments = 1024;

    private const int MaxVarInt = 10;
    private const int Quality = 0;
    private const int Window = 22;

    /// <summary>Blocks being compressed at once, at most.</summary>
    private const int InFlight = 8;

    private readonly Stream _data;
    private readonly Stream _index;
    private byte[] _raw = new byte[BlockBytes * 2];
    private readonly Queue<(int First, byte[] Raw, byte[] Compressed, Task<int> Written)> _pending = new();
    private readonly Stack<(byte[] Raw, byte[] Compressed)> _spare = new();
    private int _used;
    private int _documents;
    private int _firstDocument;
    private long _offset;

    public StoreWriter(string directory)
    {
        _data = new BufferedStream(File.Create(Path.Combine(directory, "store.bin")), 1 << 20);
        _index = new BufferedStream(File.Create(Path.Combine(directory, "store.idx")), 1 << 16);
    }

    /// <summary>Appends the next document's text.</summary>
    public void Add(ReadOnlySpan<byte> text)
    {
        if (_used + MaxVarInt + text.Length > _raw.Length)
        {
            Array.Resize(ref _raw, Math.Max(_raw.Length * 2, _used + MaxVarInt + text.Length));
        }

        VarInt.Write(ref _raw, ref _used, (ulong)text.Length);
        text.CopyTo(_raw.AsSpan(_used));
        _used += text.Length;
        _documents++;
        if (_used >= BlockBytes || _documents - _firstDocument == BlockDocuments)
        {
            CloseBlock();
        }
    }

    /// <summary>Writes the last block and the table's end entry, and flushes both files.</summary>
    public void Finish()
    {
        CloseBlock();
        while (_pending.Count > 0)
        {
            WriteOldest();
        }

        WriteIndexEntry(_index, _offset, _documents);
        _data.Flush();
        _index.Flush();
    }

    /// <summary>Hands the raw block to a thread-pool task to compress, and writes the oldest compressed blocks, in
    /// order, once more than <see cref="InFlight"/> are pending: the writer thread only copies bytes.</summary>
    private void CloseBlock()
    {
        if (_documents == _firstDocument)
        {
            return;
        }

        (byte[] raw, byte[] compressed) = _spare.TryPop(out var spare) && spare.Raw.Length >= _used ? spare : (new byte[Math.Max(_used, BlockBytes * 2)], []);
        int max = BrotliEncoder.GetMaxCompressedLength(_used);
        if (compressed.Length < max)
        {
            compressed = new byte[max];
        }

        _raw.AsSpan(0, _used).CopyTo(raw);
        int used = _used;
        _pending.Enqueue((_firstDocument, raw, compressed, Task.Run(() => Compress(raw, used, compressed))));
        _firstDocument = _documents;
        _used = 0;
        while (_pending.Count > InFlight)
        {
            WriteOldest();
        }
    }

    private static int Compress(byte[] raw, int used, byte[] compressed)
    {
        if (!BrotliEncoder.TryCompress(raw.AsSpan(0, used), compressed, out int written, Quality, Window))
        {
            throw new InvalidOperationException("Brotli compression failed");
        }

        return written;
    }

    private void WriteOldest()
    {
        (int first, byte[] raw, byte[] compressed, Task<int> task) = _pending.Dequeue();
        int written = task.GetAwaiter().GetResult();
        WriteIndexEntry(_index, _offset, first);
        _data.Write(compressed, 0, written);
        _offset += written;
        _spare.Push((raw, compressed));
    }

    /// <summary>Appends one entry of the block table.</summary>
    private static void WriteIndexEntry(Stream idx, long offset, int firstDoc)
    {
        Span<byte> entry = stackalloc byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(entry, offset);
        BinaryPrimitives.WriteInt32LittleEndian(entry[8..], firstDoc);
        idx.Write(entry);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _data.Dispose();
        _index.Dispose();
    }
}
