using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Lodestar.Cli;

/// <summary>The console seams of one CLI invocation: output, errors, input, and whether to draw progress bars.</summary>
/// <param name="Out">Results (tables, tokens).</param>
/// <param name="Error">Diagnostics, progress and summaries.</param>
/// <param name="Interactive">Draw live progress bars (only when stderr is a terminal); otherwise a plain progress
/// line is written every <see cref="ProgressInterval"/>.</param>
/// <param name="In">Standard input, for <c>-</c> arguments.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive, TextReader In)
{
    /// <summary>How often a plain progress line is written when stderr is not a terminal (default 5 s).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>OpenTelemetry for LLM calls (off unless the environment asks; see docs/telemetry.md).</summary>
    public Lodestar.Telemetry.LlmTelemetry Telemetry { get; init; } = Lodestar.Telemetry.LlmTelemetry.Off;

    /// <summary>Runs <paramref name="work"/> with a progress bar on stderr when interactive, else with plain lines.</summary>
    /// <param name="description">What the bar is counting.</param>
    /// <param name="unit">The unit of the rate column, such as <c>docs</c>.</param>
    /// <param name="work">Receives a callback (done, total) to report progress.</param>
    public T WithProgress<T>(string description, string unit, Func<Action<double, double>, T> work) =>
        WithProgress(description, unit, (Action<double, double, string?> report) => work((done, total) => report(done, total, null)));

    /// <summary>As <see cref="WithProgress{T}(string, string, Func{Action{double, double}, T})"/>, and the callback
    /// may also replace the bar's description (for live counts such as failures and tokens/s).</summary>
    public T WithProgress<T>(string description, string unit, Func<Action<double, double, string?>, T> work)
    {
        if (!Interactive)
        {
            return work(new PlainProgress(Error, description, unit, ProgressInterval).Report);
        }

        return Console().Progress()
            .AutoClear(true)
            .Columns(Columns(unit))
            .Start(ctx => work(Bar(ctx.AddTask(description, maxValue: 1))));
    }

    /// <summary>As <see cref="WithProgress{T}(string, string, Func{Action{double, double, string?}, T})"/>, for
    /// asynchronous work.</summary>
    public Task<T> WithProgressAsync<T>(string description, string unit, Func<Action<double, double, string?>, Task<T>> work)
    {
        if (!Interactive)
        {
            return work(new PlainProgress(Error, description, unit, ProgressInterval).Report);
        }

        return Console().Progress()
            .AutoClear(true)
            .Columns(Columns(unit))
            .StartAsync(ctx => work(Bar(ctx.AddTask(description, maxValue: 1))));
    }

    private IAnsiConsole Console() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Error is Program.StandardError e ? e.Target : Error) });

    private static ProgressColumn[] Columns(string unit) =>
        [new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(unit), new RemainingTimeColumn()];

    private static Action<double, double, string?> Bar(ProgressTask task) => (done, total, text) =>
    {
        task.MaxValue = Math.Max(total, 1);
        task.Value = Math.Min(done, task.MaxValue);
        if (text is not null)
        {
            task.Description = Markup.Escape(text);
        }
    };

    /// <summary>Progress as a plain line every interval (for logs and pipes): what, percentage, counts, average
    /// rate since the start, and the time left at that rate.</summary>
    private sealed class PlainProgress(TextWriter error, string description, string unit, TimeSpan interval)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private readonly TimeSpan _interval = interval;
        private TimeSpan _next = interval;

        public void Report(double done, double total, string? text)
        {
            lock (_gate)
            {
                TimeSpan now = _clock.Elapsed;
                if (now < _next)
                {
                    return;
                }

                _next = now + _interval;
                double rate = done / Math.Max(now.TotalSeconds, 1e-9);
                string left = rate > 0 && total > done ? $", about {FormatSpan(TimeSpan.FromSeconds((total - done) / rate))} left" : "";
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{text ?? description}: {100 * done / Math.Max(total, 1e-9):F0}% ({done:N0} of {total:N0} {unit}), {rate:N0} {unit}/s{left}"));
            }
        }

        private static string FormatSpan(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
    }
}
