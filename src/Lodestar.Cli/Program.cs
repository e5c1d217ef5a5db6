namespace Lodestar.Cli;

/// <summary>The <c>lodestar</c> entry point.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns its exit code.</summary>
    public static int Main(string[] args) =>
        Cli.Run(args, new CliContext(Console.Out, Console.Error, !Console.IsErrorRedirected, Console.In));
}
