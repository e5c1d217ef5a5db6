using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lodestar.Cli.Tests;

/// <summary>
/// <c>lodestar index</c>'s progress when stderr is not a terminal (issue 11, item 18): a plain line every interval
/// whose docs/s is documents over elapsed time (it once read 2,313,554 docs/s, bytes counted as documents), and the
/// process itself, stderr redirected, writes those lines and no terminal escapes.
/// </summary>
public sealed partial class IndexProgressTests : IDisposable
{
    private const int Documents = 40_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-progress-").FullName;
    private readonly string _corpus;

    public IndexProgressTests()
    {
        // About 5 MB: 450 bytes a document, so bytes counted as documents would read 450 times too fast.
        _corpus = Path.Combine(_dir, "corpus.jsonl");
        var random = new Random(7);
        string[] words = [.. Enumerable.Range(0, 2000).Select(i => "w" + i.ToString(CultureInfo.InvariantCulture) + (char)('a' + (i % 26)))];
        using var writer = new StreamWriter(_corpus);
        for (int d = 0; d < Documents; d++)
        {
            var text = new StringBuilder();
            while (text.Length < 400)
            {
                text.Append(words[random.Next(words.Length)]).Append(' ');
            }

            writer.WriteLine($"{{\"_id\":\"d{d}\",\"text\":\"{text}\"}}");
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PlainLines_EveryInterval_RateIsDocumentsOverElapsedTime()
    {
        var context = new CliContext(new StringWriter(), new StringWriter(), false, new StringReader(""));
        Assert.Equal(TimeSpan.FromSeconds(5), context.ProgressInterval); // "every few seconds" by default
        // Warm up the code paths first, so that the measured run's clock and the test's start together.
        File.WriteAllLines(Path.Combine(_dir, "tiny.jsonl"), File.ReadLines(_corpus).Take(50));
        Assert.Equal(0, Cli.Run(["index", Path.Combine(_dir, "tiny.jsonl"), "-o", Path.Combine(_dir, "tiny")], context));

        var clock = Stopwatch.StartNew();
        var error = new TimedWriter(clock);
        int code = Cli.Run(["index", _corpus, "-o", Path.Combine(_dir, "index"), "--threads", "1"],
            new CliContext(new StringWriter(), error, false, new StringReader("")) { ProgressInterval = TimeSpan.FromMilliseconds(100) });
        double total = clock.Elapsed.TotalSeconds;
        Assert.True(code == 0, string.Join('\n', error.Lines.Select(l => l.Text)));
        List<(double At, Match Line)> lines = [.. error.Lines.Select(l => (l.At, ProgressLine().Match(l.Text))).Where(l => l.Item2.Success)];
        Assert.True(lines.Count >= 2, $"{lines.Count} progress lines in {total:F2} s:\n" + string.Join('\n', error.Lines.Select(l => $"{l.At:F2} {l.Text}")));
        string megabytes = (new FileInfo(_corpus).Length / 1e6).ToString("N0", CultureInfo.InvariantCulture);
        double previous = 0;
        foreach ((double at, Match m) in lines)
        {
            double docs = Number(m, "docs"), rate = Number(m, "rate");
            Assert.InRange(docs, 1, Documents);
            Assert.Equal(megabytes, m.Groups["total"].Value);
            // The command's clock starts after the test's: its rate is at least documents over the test's time, and
            // once the start-up is a small part of the time, not much more (bytes taken for documents: 450 times more).
            Assert.True(rate >= 0.95 * docs / at, $"{m.Value} at {at:F3} s");
            Assert.True(at < 0.3 || rate <= 2.0 * docs / at, $"{m.Value} at {at:F3} s");
            Assert.True(at - previous >= 0.05, $"lines {previous:F3} s and {at:F3} s apart less than the interval");
            previous = at;
        }

        // The summary's figures agree with the count.
        Assert.Contains(error.Lines, l => l.Text.StartsWith($"indexed {Documents:N0} documents", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Process_WithStderrRedirected_WritesPlainLinesWithoutEscapes()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { typeof(Cli).Assembly.Location, "index", _corpus, "-o", Path.Combine(_dir, "index"), "--threads", "1" })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment[Program.ProgressSecondsVariable] = "0.1";
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string err = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        Assert.True(process.ExitCode == 0, err);
        string[] progress = [.. err.Split('\n').Where(l => l.StartsWith("indexing:", StringComparison.Ordinal))];
        Assert.True(progress.Length >= 2, err);
        Assert.All(progress, l => Assert.Matches(ProgressLine(), l.TrimEnd('\r')));
        Assert.DoesNotContain('\u001b', err);
    }

    private static double Number(Match m, string group) => double.Parse(m.Groups[group].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^indexing: (?<docs>[\d,]+) docs, (?<rate>[\d,]+) docs/s: \d+% \([\d,]+ of (?<total>[\d,]+) MB\), [\d,]+ MB/s(, about \S+ left)?$")]
    private static partial Regex ProgressLine();

    /// <summary>A writer that notes when each line was written.</summary>
    private sealed class TimedWriter(Stopwatch clock) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public List<(double At, string Text)> Lines { get; } = [];

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (Lines)
            {
                if (value == '\n')
                {
                    Lines.Add((clock.Elapsed.TotalSeconds, _line.ToString().TrimEnd('\r')));
                    _line.Clear();
                }
                else
                {
                    _line.Append(value);
                }
            }
        }
    }
}
