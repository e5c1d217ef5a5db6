namespace Lodestar.Errors;

/// <summary>An index file failed a check on open: the message names the file and the check.</summary>
public sealed class IndexCorruptException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/>.</summary>
    public IndexCorruptException(string file, string check, Exception? inner = null)
        : base($"{file}: index is corrupt: {check}", inner)
    {
        File = file;
    }

    /// <summary>The file that failed the check.</summary>
    public string File { get; }
}
