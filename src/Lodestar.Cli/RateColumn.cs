using Spectre.Console;
using Spectre.Console.Rendering;

namespace Lodestar.Cli;

/// <summary>A progress column showing the task's rate as "N unit/s".</summary>
internal sealed class RateColumn(string unit) : ProgressColumn
{
    /// <inheritdoc />
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is double s ? $"{s:N0} {unit}/s" : $"- {unit}/s");
}
