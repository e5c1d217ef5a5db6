using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Unicode;
using Lodestar.Errors;

namespace Lodestar.Formats;

/// <summary>
/// Streams the lines of a text file as UTF-8 bytes, reading <c>.gz</c> transparently, with 1-based line numbers.
/// </summary>
/// <remarks>
/// Each line is checked to be valid UTF-8; a bad byte is reported as <c>path:line:col</c> (col in bytes).
/// A gzip file is checked at its end against the size in its trailer, because .NET's <see cref="GZipStream"/> ends
/// a truncated file silently; concatenated gzip members are therefore not supported.
/// </remarks>
public sealed class LineReader : IDisposable
{
    private readonly Stream _file;
    private readonly Stream _stream;
    private readonly bool _gzip;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _start;
    private int _end;
    private int _checked; // the buffer is known to be UTF-8 up to here (whole lines; moved with the buffer's contents)
    private bool _lineByLine; // the buffer's whole lines are not all UTF-8: each is checked alone until the next read
    private bool _eof;
    private long _decompressed;

    /// <summary>Opens <paramref name="path"/>; a file starting with the gzip magic is decompressed.</summary>
    /// <exception cref="InputException">The file does not exist or cannot be read.</exception>
    public LineReader(string path)
    {
        Path = path;
        try
        {
            // Unbuffered: the reader's own buffer is the only one (no second 64 KiB buffer and no copy between them).
            _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(new SourcePosition(path, 0, 0), $"cannot read the file: {e.Message}", e);
        }

        Span<byte> magic = stackalloc byte[2];
        _gzip = _file.Read(magic) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        _file.Position = 0;
        _stream = _gzip ? new GZipStream(_file, CompressionMode.Decompress) : _file;
    }

    /// <summary>The path as given.</summary>
    public string Path { get; }

    /// <summary>Bytes of the file read so far (compressed bytes for gzip), for progress.</summary>
    public long BytesRead => _file.Position;

    /// <summary>Size of the file in bytes.</summary>
    public long Length => _file.Length;

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Lines of <paramref name="path"/> that hold more than spaces: the records a corpus or topic reader
    /// would see, counted without parsing them (for progress totals and summaries).</summary>
    public static long CountRecords(string path)
    {
        using var reader = new LineReader(path);
        long n = 0;
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            if (!line.Trim((byte)' ').IsEmpty)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Reads the next line, without its line break.</summary>
    /// <returns>False at the end of the file.</returns>
    /// <exception cref="InputException">Bad UTF-8, a truncated or corrupt gzip stream.</exception>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                if (!_lineByLine && _start + nl > _checked)
                {
                    // Every whole line in the buffer at once: a line break never falls inside a UTF-8 sequence, so
                    // the block is valid exactly when each of its lines is (a bad one is found line by line below).
                    int last = _buffer.AsSpan(_start, _end - _start).LastIndexOf((byte)'\n');
                    _lineByLine = !Utf8.IsValid(_buffer.AsSpan(_start, last));
                    _checked = _lineByLine ? _start : _start + last;
                }

                line = Finish(_start, nl);
                _start += nl + 1;
                return true;
            }

            if (_eof)
            {
                if (_end > _start)
                {
                    line = Finish(_start, _end - _start);
                    _start = _end;
                    return true;
                }

                line = default;
                return false;
            }

            Fill();
        }
    }

    private ReadOnlySpan<byte> Finish(int start, int length)
    {
        LineNumber++;
        ReadOnlySpan<byte> line = _buffer.AsSpan(start, length);
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (LineNumber == 1 && line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            line = line[3..];
        }

        if (start + length > _checked && !Utf8.IsValid(line))
        {
            ReportBadUtf8(line);
        }

        return line;
    }

    private void ReportBadUtf8(ReadOnlySpan<byte> line)
    {
        int column = 0;
        while (column < line.Length && System.Text.Rune.DecodeFromUtf8(line[column..], out _, out int used) == System.Buffers.OperationStatus.Done)
        {
            column += used;
        }

        ThrowHelper.Input(Path, LineNumber, column + 1,
            $"expected UTF-8 text, found byte {ThrowHelper.Quote(line.Slice(column, Math.Min(4, line.Length - column)))}");
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _checked = Math.Max(0, _checked - _start);
            _start = 0;
        }

        _lineByLine = false;

        if (_end == _buffer.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        int read;
        try
        {
            read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (InvalidDataException e)
        {
            throw new InputException(new SourcePosition(Path, LineNumber + 1, 0), $"corrupt gzip data: {e.Message}", e);
        }

        _decompressed += read;
        _end += read;
        if (read == 0)
        {
            _eof = true;
            if (_gzip)
            {
                CheckGzipTrailer();
            }
        }
    }

    private void CheckGzipTrailer()
    {
        Span<byte> trailer = stackalloc byte[4];
        long length = _file.Length;
        bool ok = length >= 18;
        if (ok)
        {
            _file.Position = length - 4;
            _file.ReadExactly(trailer);
            ok = BinaryPrimitives.ReadUInt32LittleEndian(trailer) == (uint)_decompressed;
        }

        if (!ok)
        {
            ThrowHelper.Input(Path, LineNumber + 1, 0,
                $"expected a complete gzip stream, found it truncated after {_decompressed} bytes of text");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
        if (_buffer.Length > 0)
        {
            // The last line returned points into the buffer: the caller is done with it once the reader is disposed.
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _start = _end = 0;
        }
    }
}
