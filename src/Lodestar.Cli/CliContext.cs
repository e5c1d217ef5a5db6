using Spectre.Console;

namespace Lodestar.Cli;

/// <summary>The console seams of one CLI invocation: output, errors, input, and whether to draw progress bars.</summary>
/// <param name="Out">Results (tables, tokens).</param>
/// <param name="Error">Diagnostics, progress and summaries.</param>
/// <param name="Interactive">Draw live progress bars (only when stderr is a terminal).</param>
/// <param name="In">Standard input, for <c>-</c> arguments.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive, TextReader In)
{
    /// <summary>Runs <paramref name="work"/> with a progress bar on stderr when interactive, else without one.</summary>
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
            return work((_, _, _) => { });
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Error) });
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(unit), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(description, maxValue: 1);
                return work((done, total, text) =>
                {
                    task.MaxValue = Math.Max(total, 1);
                    task.Value = Math.Min(done, task.MaxValue);
                    if (text is not null)
                    {
                        task.Description = Markup.Escape(text);
                    }
                });
            });
    }
}
