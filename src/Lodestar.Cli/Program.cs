using System.Globalization;
using System.Text;

namespace Lodestar.Cli;

/// <summary>The <c>lodestar</c> entry point.</summary>
public static class Program
{
    /// <summary>The environment variable that sets the seconds between plain progress lines (default 5).</summary>
    public const string ProgressSecondsVariable = "LODESTAR_PROGRESS_SECONDS";

    /// <summary>Runs the command line and returns its exit code.</summary>
    /// <remarks>Live progress bars are drawn only when stderr is a terminal; otherwise (a log file, a pipe, CI) a plain
    /// progress line is written every 5 s, or every <c>LODESTAR_PROGRESS_SECONDS</c>.</remarks>
    public static int Main(string[] args)
    {
        TextWriter output = BufferedOutput(args) ?? Console.Out;
        try
        {
            return Cli.Run(args, new CliContext(output, new StandardError(), !Console.IsErrorRedirected, new StandardInput()) { ProgressInterval = ProgressInterval() });
        }
        finally
        {
            output.Flush();
        }
    }

    /// <summary>Standard output in blocks of 4 K characters, as C's stdio buffers a file or pipe, for a core command (a batch
    /// command whose output is its result) writing to a file or a pipe; null (Console.Out, flushed at every write) for
    /// a terminal and for the other commands, some of which run for hours and print as they go.</summary>
    /// <remarks>Console.Out writes 256 bytes at a time: 1,401 system calls for an 11,100-line <c>eval -q</c>. On Unix
    /// the blocks go straight to descriptor 1 (<see cref="StandardOutputStream"/>).</remarks>
    private static StreamWriter? BufferedOutput(string[] args) =>
        args.Length > 0 && Cli.CoreCommands.Contains(args[0]) && Console.IsOutputRedirected
            ? new StreamWriter(OperatingSystem.IsWindows() ? Console.OpenStandardOutput() : new StandardOutputStream(), new UTF8Encoding(false), 4 << 10)
            : null;

    private static TimeSpan ProgressInterval() =>
        double.TryParse(Environment.GetEnvironmentVariable(ProgressSecondsVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && s < 1e6
            ? TimeSpan.FromSeconds(s)
            : TimeSpan.FromSeconds(5);

    /// <summary>Standard error, opened on first write: <see cref="Console.Error"/> looks up the console's encoding, which
    /// a command that writes nothing there (an eval to a file) would pay for at start-up.</summary>
    internal sealed class StandardError : TextWriter
    {
        private TextWriter? _error;

        /// <summary>Console.Error itself, set up on first use (Spectre.Console recognises it as the terminal).</summary>
        public TextWriter Target => _error ??= Console.Error;

        public override Encoding Encoding => Target.Encoding;

        public override void Write(char value) => Target.Write(value);

        public override void Write(string? value) => Target.Write(value);

        public override void Write(char[] buffer, int index, int count) => Target.Write(buffer, index, count);

        public override void Write(ReadOnlySpan<char> buffer) => Target.Write(buffer);

        public override void WriteLine() => Target.WriteLine();

        public override void WriteLine(string? value) => Target.WriteLine(value);

        public override void WriteLine(ReadOnlySpan<char> buffer) => Target.WriteLine(buffer);

        public override void Flush() => _error?.Flush();
    }

    /// <summary>Standard input, opened on first read: <see cref="Console.In"/> sets up the terminal, which only
    /// <c>analyze -</c> needs and every other command would pay for at start-up.</summary>
    private sealed class StandardInput : TextReader
    {
        private TextReader? _in;

        private TextReader In => _in ??= Console.In;

        public override int Peek() => In.Peek();

        public override int Read() => In.Read();

        public override int Read(char[] buffer, int index, int count) => In.Read(buffer, index, count);

        public override int Read(Span<char> buffer) => In.Read(buffer);

        public override string? ReadLine() => In.ReadLine();

        public override string ReadToEnd() => In.ReadToEnd();
    }
}
