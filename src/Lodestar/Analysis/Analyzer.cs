namespace Lodestar.Analysis;

/// <summary>Receives each term an analyzer produces.</summary>
/// <param name="term">The term; valid only during the call.</param>
public delegate void TermHandler(ReadOnlySpan<char> term);

/// <summary>Turns text into terms: char filters, then a tokenizer, then token filters (Lucene's Analyzer).</summary>
/// <remarks>
/// Instances are not thread-safe: they reuse buffers. <see cref="Name"/> and <see cref="Version"/> are written into
/// every index, so that a search never analyzes queries differently from the documents.
/// </remarks>
public abstract class Analyzer
{
    /// <summary>The analyzer's registry name, such as <c>english</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Bumped whenever the analyzer's output changes for any input.</summary>
    public abstract int Version { get; }

    /// <summary>Calls <paramref name="onTerm"/> for each term of <paramref name="text"/>, in order.</summary>
    public abstract void Analyze(ReadOnlySpan<char> text, TermHandler onTerm);

    /// <summary>The terms of <paramref name="text"/>, in order.</summary>
    public List<string> Analyze(string text)
    {
        var terms = new List<string>();
        Analyze(text.AsSpan(), t => terms.Add(t.ToString()));
        return terms;
    }

    /// <summary>Creates the analyzer registered as <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not registered.</exception>
    public static Analyzer Create(string name) => name switch
    {
        EnglishAnalyzer.RegistryName => new EnglishAnalyzer(),
        WhitespaceAnalyzer.RegistryName => new WhitespaceAnalyzer(),
        _ => throw new ArgumentException(
            $"unknown analyzer '{name}', expected one of: {EnglishAnalyzer.RegistryName}, {WhitespaceAnalyzer.RegistryName}",
            nameof(name)),
    };
}
