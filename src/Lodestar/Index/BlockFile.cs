using System.IO.MemoryMappedFiles;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>Size and per-block CRC-32C of one data file of a format-2 index.</summary>
/// <param name="Bytes">Length in bytes.</param>
/// <param name="Crc32c">The CRC-32C of each <see cref="BlockFile.BlockSize"/>-byte block, the last one possibly shorter.</param>
public sealed record BlockChecksums(long Bytes, uint[] Crc32c)
{
    /// <summary>Computes the checksums of a file.</summary>
    public static BlockChecksums Of(string path)
    {
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        long length = stream.Length;
        uint[] crcs = new uint[(int)((length + BlockFile.BlockSize - 1) / BlockFile.BlockSize)];
        byte[] buffer = new byte[BlockFile.BlockSize];
        for (int i = 0; i < crcs.Length; i++)
        {
            int n = (int)Math.Min(BlockFile.BlockSize, length - ((long)i * BlockFile.BlockSize));
            stream.ReadExactly(buffer, 0, n);
            crcs[i] = Crc32C.Compute(buffer.AsSpan(0, n));
        }

        return new BlockChecksums(length, crcs);
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

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly uint[] _crcs;
    private readonly int[] _verified;

    private BlockFile(string path, long length, uint[] crcs)
    {
        Path = path;
        Length = length;
        _crcs = crcs;
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

        if (expected.Crc32c.Length != (length + BlockSize - 1) / BlockSize)
        {
            throw new IndexCorruptException(path, "the header's block checksums do not cover the file");
        }

        return new BlockFile(path, length, expected.Crc32c);
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

        long last = (offset + length - 1) / BlockSize;
        for (long b = offset / BlockSize; b <= last; b++)
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
        long start = (long)block * BlockSize;
        int n = (int)Math.Min(BlockSize, Length - start);
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
