using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Lodestar.Analysis;
using Lodestar.Errors;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Index;

/// <summary>One document after the build's parallel stage: its UTF-8 id, and where its distinct (term id, tf) pairs,
/// ascending by term id, lie in its chunk's <see cref="ChunkBuffer"/>. A struct in the batch's array: no object per
/// document.</summary>
internal struct AnalyzedDocument
{
    public ArraySegment<byte> Id;
    public ulong IdHash; // Utf8Hash.Of(Id), computed here (on a worker) so that the writer only appends it to its IdHashRuns
    public long Line;
    public int Terms;
    public int First;
    public int Distinct;
}

/// <summary>
/// The build's parallel stage for one corpus line: parse, analyze (or take the given tokens), map terms to vocabulary
/// ids through the calling thread's <see cref="TermCache"/>, and aggregate them into (term id, tf) pairs.
/// Thread-safe: every thread has its own analyzer, term cache and scratch list.
/// </summary>
internal sealed class LineAnalyzer(string corpusPath, string analyzerName, Vocabulary vocabulary) : IDisposable
{
    private readonly ThreadLocal<Analyzer> _analyzers = new(() => Analyzer.Create(analyzerName));
    private readonly ThreadLocal<List<int>> _scratch = new(() => new List<int>(256));
    private readonly ThreadLocal<TermCache> _terms = new(() => new TermCache(vocabulary));
    private readonly bool _pretokenized = analyzerName == WhitespaceAnalyzer.RegistryName;

    /// <summary>Analyzes one line, appending its pairs (and its text, if unescaped) to <paramref name="chunk"/>; <paramref name="text"/> receives the
    /// UTF-8 text for the store.</summary>
    /// <exception cref="InputException">The line is not a valid corpus record.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AnalyzedDocument Analyze(ArraySegment<byte> bytes, long line, ChunkBuffer chunk, out ArraySegment<byte> text)
    {
        List<int> ids = _scratch.Value!;
        TermCache terms = _terms.Value!;
        if (IndexLineScanner.TryParse(bytes, terms, _pretokenized, ids, chunk, out ArraySegment<byte> id, out text, out bool hadTokens)
            || IndexLineParser.TryParse(bytes, terms, _pretokenized, ids, chunk, out id, out text, out hadTokens))
        {
            if (!hadTokens)
            {
                AnalyzeText(text, ids, terms);
            }

            return Aggregate(id, line, ids, chunk);
        }

        return AnalyzeGeneral(bytes, line, chunk, ids, terms, out text);
    }

    /// <summary>Runs the analyzer over a text. Its own method: the lambda's closure would otherwise be allocated on
    /// every call of <see cref="Analyze"/>, even for pre-tokenized lines.</summary>
    private void AnalyzeText(ArraySegment<byte> text, List<int> ids, TermCache terms) =>
        _analyzers.Value!.Analyze(Encoding.UTF8.GetString(text.AsSpan()), term => ids.Add(terms.GetOrAdd(term)));

    /// <summary>The general parser: other shapes, and the exact error for bad input.</summary>
    private AnalyzedDocument AnalyzeGeneral(ArraySegment<byte> bytes, long line, ChunkBuffer chunk, List<int> ids, TermCache terms, out ArraySegment<byte> text)
    {
        Document doc = CorpusReader.Parse(corpusPath, line, bytes);
        text = new ArraySegment<byte>(Encoding.UTF8.GetBytes(doc.Text));
        ids.Clear();
        if (doc.Tokens is not null && _pretokenized)
        {
            // Taken exactly as given, empty strings included: they are terms to gensim too.
            foreach (string token in doc.Tokens)
            {
                ids.Add(terms.GetOrAdd(token));
            }
        }
        else
        {
            _analyzers.Value!.Analyze(doc.Text, term => ids.Add(terms.GetOrAdd(term)));
        }

        return Aggregate(new ArraySegment<byte>(Encoding.UTF8.GetBytes(doc.Id)), line, ids, chunk);
    }

    /// <summary>Turns the term ids of one document into distinct ids (ascending) with their tfs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static AnalyzedDocument Aggregate(ArraySegment<byte> id, long line, List<int> ids, ChunkBuffer chunk)
    {
        var result = new AnalyzedDocument { Id = id, IdHash = Utf8Hash.Of(id), Line = line, Terms = ids.Count, First = chunk.Count };
        if (ids.Count == 0)
        {
            return result;
        }

        Span<int> sorted = CollectionsMarshal.AsSpan(ids);
        sorted.Sort(); // the span sort compares ints inline; List.Sort goes through a comparer
        int tf = 1;
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                tf++;
            }
            else
            {
                chunk.Append(sorted[i - 1], tf);
                tf = 1;
            }
        }

        chunk.Append(sorted[^1], tf);
        result.Distinct = chunk.Count - result.First;
        return result;
    }

    /// <summary>Frees the threads' analyzers, caches and lists; call once the threads are done.</summary>
    public void Dispose()
    {
        _analyzers.Dispose();
        _scratch.Dispose();
        _terms.Dispose();
    }
}
