using System.Runtime.InteropServices;

namespace Lodestar.Cli;

/// <summary>Standard output as <c>write(2)</c> calls on descriptor 1, for a core command writing to a file or a pipe
/// on Unix.</summary>
/// <remarks>The stream of <see cref="Console.OpenStandardOutput()"/> sets up the terminal on its first write and starts
/// a signal-handling thread, which a batch command printing into a file does not need and which costs a 20 ms
/// evaluation about half a millisecond (docs/decisions/aot-startup.md). As that stream does, a reader that has gone
/// (<c>EPIPE</c>: <c>| head</c>) ends the output silently, and an interrupted or non-blocking write is retried.</remarks>
internal sealed partial class StandardOutputStream : Stream
{
    private const int EINTR = 4;
    private const int EAGAIN = 11;
    private const int EPIPE = 32;

    private bool _closedByReader;

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty && !_closedByReader)
        {
            nint written = WriteFd(1, buffer, buffer.Length);
            if (written >= 0)
            {
                buffer = buffer[(int)written..];
                continue;
            }

            int error = Marshal.GetLastPInvokeError();
            if (error == EPIPE)
            {
                _closedByReader = true;
            }
            else if (error == EAGAIN)
            {
                Thread.Sleep(1);
            }
            else if (error != EINTR)
            {
                throw new IOException($"cannot write to standard output: {Marshal.GetPInvokeErrorMessage(error)}");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteFd(int fd, ReadOnlySpan<byte> buffer, nint count);
}
