using System.Text;

namespace Lodestar.Analysis;

/// <summary>
/// Lucene's <c>EnglishAnalyzer</c> as Anserini and Pyserini use it: <see cref="StandardTokenizer"/>, then English
/// possessive removal, lower-casing, the 33 English stop words, and the <see cref="PorterStemmer"/>.
/// </summary>
public sealed class EnglishAnalyzer : Analyzer
{
    /// <summary>The registry name.</summary>
    public const string RegistryName = "english";

    /// <summary>Lucene's <c>EnglishAnalyzer.ENGLISH_STOP_WORDS_SET</c>.</summary>
    public static readonly IReadOnlySet<string> StopWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> s_stopLookup =
        ((HashSet<string>)StopWords).GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly StandardTokenizer _tokenizer = new();
    private readonly List<(int Start, int Length)> _tokens = [];
    private char[] _buffer = new char[64];

    /// <inheritdoc />
    public override string Name => RegistryName;

    /// <inheritdoc />
    public override int Version => 1;

    /// <inheritdoc />
    public override void Analyze(ReadOnlySpan<char> text, TermHandler onTerm)
    {
        _tokens.Clear();
        _tokenizer.Tokenize(text, _tokens);
        foreach ((int start, int length) in _tokens)
        {
            ReadOnlySpan<char> token = StripPossessive(text.Slice(start, length));
            int n = LowerCase(token);
            if (s_stopLookup.Contains(_buffer.AsSpan(0, n)))
            {
                continue;
            }

            // Lucene's PorterStemmer leaves terms of one or two characters alone (Snowball would stem "us" to "u").
            if (n > 2)
            {
                n = PorterStemmer.Stem(_buffer, n);
            }

            onTerm(_buffer.AsSpan(0, n));
        }
    }

    /// <summary>Lucene's <c>EnglishPossessiveFilter</c>: drops a trailing <c>'s</c>, <c>’s</c> or <c>＇s</c>.</summary>
    private static ReadOnlySpan<char> StripPossessive(ReadOnlySpan<char> token)
    {
        int n = token.Length;
        if (n >= 2 && token[n - 1] is 's' or 'S' && token[n - 2] is '\'' or '\u2019' or '\uFF07')
        {
            return token[..(n - 2)];
        }

        return token;
    }

    /// <summary>Lower-cases code point by code point (Java's <c>Character.toLowerCase</c>) into the buffer.</summary>
    private int LowerCase(ReadOnlySpan<char> token)
    {
        if (_buffer.Length < (token.Length * 2) + 1)
        {
            _buffer = new char[(token.Length * 2) + 1];
        }

        int n = 0;
        for (int i = 0; i < token.Length; i++)
        {
            char c = token[i];
            if (c < 0x80)
            {
                _buffer[n++] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
            }
            else if (Rune.DecodeFromUtf16(token[i..], out Rune rune, out int used) == System.Buffers.OperationStatus.Done)
            {
                n += Rune.ToLowerInvariant(rune).EncodeToUtf16(_buffer.AsSpan(n));
                i += used - 1;
            }
            else
            {
                _buffer[n++] = c;
            }
        }

        return n;
    }
}
