using System.Text;
using Lodestar.Errors;
using Lodestar.Formats;

namespace Lodestar.Tests.Formats;

public class LineReaderTests
{
    // Lines of one to four bytes per character, long enough that the file spans several 64 KiB reads and sequences
    // straddle the reads' edges.
    private static string Line(int i) => $"{i} é漢😀 {new string('ü', i % 50)} end";

    [Fact]
    public void ManyReads_OfValidUtf8_ReturnEveryLineAsWritten()
    {
        using var dir = new TempDir();
        string path = dir.Write("ok.txt", string.Concat(Enumerable.Range(0, 5000).Select(i => Line(i) + (i % 3 == 0 ? "\r\n" : "\n"))));
        using var reader = new LineReader(path);
        int n = 0;
        while (reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            Assert.Equal(Line(n), Encoding.UTF8.GetString(line));
            n++;
        }

        Assert.Equal(5000, n);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2500, false)]
    [InlineData(4999, false)]
    [InlineData(4999, true)] // the last line, with no line break after it
    public void ABadByte_AnywhereInTheFile_IsReportedAtItsLineAndColumn(int bad, bool lastWithoutBreak)
    {
        using var dir = new TempDir();
        int lines = lastWithoutBreak ? bad + 1 : 5000;
        var bytes = new List<byte>();
        for (int i = 0; i < lines; i++)
        {
            byte[] line = Encoding.UTF8.GetBytes(Line(i));
            if (i == bad)
            {
                line[3] = 0xFF; // "N é…": é's second byte; "NNNN é…": N's fourth digit
            }

            bytes.AddRange(line);
            if (i < lines - 1 || !lastWithoutBreak)
            {
                bytes.Add((byte)'\n');
            }
        }

        string path = Path.Combine(dir.Path, "bad.txt");
        File.WriteAllBytes(path, [.. bytes]);
        using var reader = new LineReader(path);
        int read = 0;
        var e = Assert.Throws<InputException>(() =>
        {
            while (reader.TryReadLine(out _))
            {
                read++;
            }
        });
        Assert.Equal(bad, read); // every line before the bad one was returned
        int column = bad < 10 ? 3 : 4; // "N é" breaks at é's first byte; "NNNN" at its 0xFF
        Assert.StartsWith($"{path}:{bad + 1}:{column}: expected UTF-8 text, found byte '\\x", e.Message);
    }
}
