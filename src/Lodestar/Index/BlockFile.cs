using System.IO.MemoryMappedFiles;
using System.Numerics;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>Size and per-block CRC-32C of one data file of a format-2 or format-3 index.</summary>
/// <param name="Bytes">Length in bytes.</param>
/// <param name="Crc32c">The CRC-32C of each <paramref name="BlockSize"/>-byte block, the last one possibly shorter.</param>
/// <param name="BlockSize">Bytes per checksummed block: <see cref="BlockFile.BlockSize"/>, or from format 3
/// <see cref="BlockFile.SmallBlockSize"/> for the files read at scattered places (<see cref="BlockFile.BlockSizeFor"/>).</param>
public sealed record BlockChecksums(long Bytes, uint[] Crc32c, int BlockSize = BlockFile.BlockSize)
{
    /// <summary>Computes the checksums of a file.</summary>
    public static BlockChecksums Of(string path, int blockSize = BlockFile.BlockSize)
    {
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = stream.Length;
        uint[] crcs = new uint[(int)((length + blockSize - 1) / blockSize)];
        byte[] buffer = new byte[blockSize];
        for (int i = 0; i < crcs.Length; i++)
        {
            int n = (int)Math.Min(blockSize, length - ((long)i * blockSize));
            stream.ReadExactly(buffer, 0, n);
            crcs[i] = Crc32C.Compute(buffer.AsSpan(0, n));
        }

        return new BlockChecksums(length, crcs, blockSize);
    }
}

/// <summary>
/// A read-only, memory-mapped index file whose blocks are checked against their CRC-32C the first time any of their
/// bytes is read, so that opening costs nothing per byte and a damaged byte is still reported before it is used.
/// </summary>
/// <remarks>Thread-safe. A block is verified at most once (a race may verify it twice, harmlessly).</remarks>
internal sealed unsafe class BlockFile : IDisposable
{
    /// <summary>Bytes per checksummed block (64 KiB: about 5 µs to verify).</summary>
    public const int BlockSize = 1 << 16;

    /// <summary>Bytes per checksummed block, from format 3, of the files a search reads at scattered places: the term
    /// dictionary (binary search) and the external ids (one record per hit). Writing 1,000 hits' ids read and checked
    /// most of 23 MB of 64 KiB blocks at 534k documents; 4 KiB blocks check about a third as much. The postings too:
    /// a rare query term's few bytes were checked with the whole 64 KiB block around them (16 pages to touch).</summary>
    public const int SmallBlockSize = 1 << 12;

    /// <summary>The block size format 3 writes for a data file.</summary>
    public static int BlockSizeFor(string name) => name is "terms.bin" or "terms.idx" or "docids.bin" or "docids.idx" or "postings.bin" ? SmallBlockSize : BlockSize;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly uint[] _crcs;
    private readonly int[] _verified;
    private readonly int _blockSize;
    private readonly int _shift;

    private BlockFile(string path, long length, uint[] crcs, int blockSize)
    {
        Path = path;
        Length = length;
        _crcs = crcs;
        _blockSize = blockSize;
        _shift = BitOperations.Log2((uint)blockSize);
        _verified = new int[(crcs.Length + 31) / 32];
        if (length > 0)
        {
            _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
        }
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Its length in bytes.</summary>
    public long Length { get; }

    /// <summary>Maps <paramref name="path"/> after checking that it exists with the expected length and block count.</summary>
    /// <exception cref="IndexCorruptException">Missing, or of another length.</exception>
    public static BlockFile Open(string path, BlockChecksums expected)
    {
        if (!File.Exists(path))
        {
            throw new IndexCorruptException(path, "the file is missing");
        }

        long length = new FileInfo(path).Length;
        if (length != expected.Bytes)
        {
            throw new IndexCorruptException(path, $"expected {expected.Bytes} bytes, found {length}");
        }

        int size = expected.BlockSize;
        if (size is < SmallBlockSize or > BlockSize || !BitOperations.IsPow2(size))
        {
            throw new IndexCorruptException(path, $"the header's block size {size} is not a power of two from {SmallBlockSize} to {BlockSize}");
        }

        if (expected.Crc32c.Length != (length + size - 1) / size)
        {
            throw new IndexCorruptException(path, "the header's block checksums do not cover the file");
        }

        return new BlockFile(path, length, expected.Crc32c, size);
    }

    /// <summary>The bytes at [offset, offset + length), after checking every block they touch.</summary>
    /// <exception cref="IndexCorruptException">The range is outside the file, or a block fails its checksum.</exception>
    public ReadOnlySpan<byte> Read(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset + length > Length)
        {
            throw new IndexCorruptException(Path, $"a read of {length} bytes at {offset} goes past the end ({Length} bytes)");
        }

        if (length == 0)
        {
            return [];
        }

        long last = (offset + length - 1) >> _shift;
        for (long b = offset >> _shift; b <= last; b++)
        {
            if ((Volatile.Read(ref _verified[b >> 5]) & (1 << (int)(b & 31))) == 0)
            {
                Verify((int)b);
            }
        }

        return new ReadOnlySpan<byte>(_base + offset, length);
    }

    /// <summary>Reads up to <paramref name="max"/> bytes at <paramref name="offset"/>, fewer at the end of the file.</summary>
    public ReadOnlySpan<byte> ReadUpTo(long offset, int max) => Read(offset, (int)Math.Min(max, Math.Max(0, Length - offset)));

    /// <summary>Checks every block (what <c>lodestar index check</c> does).</summary>
    public void VerifyAll()
    {
        for (int b = 0; b < _crcs.Length; b++)
        {
            Verify(b);
        }
    }

    private void Verify(int block)
    {
        long start = (long)block << _shift;
        int n = (int)Math.Min(_blockSize, Length - start);
        uint actual = Crc32C.Compute(new ReadOnlySpan<byte>(_base + start, n));
        if (actual != _crcs[block])
        {
            throw new IndexCorruptException(Path,
                $"block {block} (bytes {start}–{start + n - 1}) fails its CRC-32C: expected {_crcs[block]:x8}, found {actual:x8} (the file was altered)");
        }

        Interlocked.Or(ref _verified[block >> 5], 1 << (block & 31));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _map?.Dispose();
    }
}
