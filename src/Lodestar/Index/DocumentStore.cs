using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>
/// The compressed document store: texts in blocks of about 16 KiB (<see cref="StoreWriter"/>), each block
/// Brotli-compressed (<c>store.bin</c>), with a table (<c>store.idx</c>) of (int64 offset, int32 first doc) per block
/// plus a final (end offset, document count) entry, little-endian.
/// </summary>
/// <remarks>Fetching one text finds its block by binary search and decompresses that block only; the last
/// <see cref="CachedBlocks"/> decompressed blocks are kept, since a reranker reads neighbouring documents together.</remarks>
public sealed class DocumentStore : IDisposable
{
    /// <summary>Decompressed blocks kept in memory (about 4 MiB of ~16 KiB blocks: a reranker's candidates for a
    /// few topics, or all of a small corpus such as Cranfield's).</summary>
    public const int CachedBlocks = 256;

    private readonly BlockFile _data;
    private readonly long[] _offsets;
    private readonly int[] _firstDocs;
    private readonly string _path;
    private readonly Dictionary<int, byte[]> _cache = [];
    private readonly Queue<int> _cacheOrder = new();

    internal DocumentStore(BlockFile data, BlockFile table)
    {
        _path = data.Path;
        if (table.Length % 12 != 0 || table.Length == 0)
        {
            throw new IndexCorruptException(table.Path, $"expected whole 12-byte entries, found {table.Length} bytes");
        }

        ReadOnlySpan<byte> idx = table.Read(0, (int)table.Length);
        int entries = idx.Length / 12;
        _offsets = new long[entries];
        _firstDocs = new int[entries];
        for (int i = 0; i < entries; i++)
        {
            _offsets[i] = BinaryPrimitives.ReadInt64LittleEndian(idx[(i * 12)..]);
            _firstDocs[i] = BinaryPrimitives.ReadInt32LittleEndian(idx[((i * 12) + 8)..]);
        }

        if (_offsets[^1] != data.Length)
        {
            throw new IndexCorruptException(table.Path, $"the block table ends at {_offsets[^1]}, the store has {data.Length} bytes");
        }

        _data = data;
    }

    /// <summary>The text of document <paramref name="doc"/> (internal id).</summary>
    public string Get(int doc)
    {
        int block = Array.BinarySearch(_firstDocs, 0, _firstDocs.Length - 1, doc);
        if (block < 0)
        {
            block = ~block - 1;
        }

        ReadOnlySpan<byte> span = Block(block);
        int pos = 0;
        for (int i = 0; i < doc - _firstDocs[block]; i++)
        {
            int skip = (int)VarInt.Read(span, ref pos);
            pos += skip;
        }

        int length = (int)VarInt.Read(span, ref pos);
        if (pos + length > span.Length)
        {
            throw new IndexCorruptException(_path, $"block {block} is shorter than its documents");
        }

        return Encoding.UTF8.GetString(span.Slice(pos, length));
    }

    /// <summary>The decompressed bytes of a block, from the cache when it is there.</summary>
    private byte[] Block(int block)
    {
        lock (_cache)
        {
            if (_cache.TryGetValue(block, out byte[]? cached))
            {
                return cached;
            }
        }

        long start = _offsets[block];
        byte[] compressed = _data.Read(start, (int)(_offsets[block + 1] - start)).ToArray();

        using var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var raw = new MemoryStream();
        brotli.CopyTo(raw);
        byte[] bytes = raw.ToArray();
        lock (_cache)
        {
            if (_cache.TryAdd(block, bytes))
            {
                _cacheOrder.Enqueue(block);
                if (_cacheOrder.Count > CachedBlocks)
                {
                    _cache.Remove(_cacheOrder.Dequeue());
                }
            }
        }

        return bytes;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The mapped files belong to the IndexReader, which disposes them.
    }
}
