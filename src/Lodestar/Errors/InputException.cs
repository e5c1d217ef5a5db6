namespace Lodestar.Errors;

/// <summary>Bad user input: the message reads <c>path:line:col: what was expected, what was found</c>.</summary>
/// <remarks>Caught only by the CLI (stderr, exit 1) and the server (HTTP 400).</remarks>
public sealed class InputException : Exception
{
    /// <summary>Creates the exception for a problem at <paramref name="position"/>.</summary>
    public InputException(SourcePosition position, string problem, Exception? inner = null)
        : base($"{position}: {problem}", inner)
    {
        Position = position;
        Problem = problem;
    }

    /// <summary>Where the problem is.</summary>
    public SourcePosition Position { get; }

    /// <summary>The message without the position.</summary>
    public string Problem { get; }
}
