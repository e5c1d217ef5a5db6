using System.Text;
using Lodestar.Analysis;
using Lodestar.Errors;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Index;

/// <summary>One document after the build's parallel stage: its distinct term ids (ascending) with their tfs.</summary>
internal sealed class AnalyzedDocument
{
    public required string Id;
    public long Line;
    public int[] TermIds = [];
    public int[] Tfs = [];
    public int Terms;
}

/// <summary>
/// The build's parallel stage for one corpus line: parse, analyze (or take the given tokens), map terms to vocabulary
/// ids through the calling thread's <see cref="TermCache"/>, and aggregate them into (term id, tf) pairs.
/// Thread-safe: every thread has its own analyzer, term cache and scratch list.
/// </summary>
internal sealed class LineAnalyzer(string corpusPath, string analyzerName, Vocabulary vocabulary)
{
    private readonly ThreadLocal<Analyzer> _analyzers = new(() => Analyzer.Create(analyzerName));
    private readonly ThreadLocal<List<int>> _scratch = new(() => new List<int>(256));
    private readonly ThreadLocal<TermCache> _terms = new(() => new TermCache(vocabulary));
    private readonly bool _pretokenized = analyzerName == WhitespaceAnalyzer.RegistryName;

    /// <summary>Analyzes one line; <paramref name="text"/> receives the UTF-8 text for the store.</summary>
    /// <exception cref="InputException">The line is not a valid corpus record.</exception>
    public AnalyzedDocument Analyze(ArraySegment<byte> bytes, long line, out ArraySegment<byte> text)
    {
        List<int> ids = _scratch.Value!;
        TermCache terms = _terms.Value!;
        if (IndexLineParser.TryParse(bytes, terms, _pretokenized, ids, out string id, out text, out bool hadTokens))
        {
            if (!hadTokens)
            {
                _analyzers.Value!.Analyze(Encoding.UTF8.GetString(text.AsSpan()), term => ids.Add(terms.GetOrAdd(term)));
            }

            return Aggregate(id, line, ids);
        }

        // The general parser: other shapes, and the exact error for bad input.
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

        return Aggregate(doc.Id, line, ids);
    }

    /// <summary>Turns the term ids of one document into distinct ids (ascending) with their tfs.</summary>
    private static AnalyzedDocument Aggregate(string id, long line, List<int> ids)
    {
        var result = new AnalyzedDocument { Id = id, Line = line, Terms = ids.Count };
        if (ids.Count == 0)
        {
            return result;
        }

        ids.Sort();
        int distinct = 1;
        for (int i = 1; i < ids.Count; i++)
        {
            distinct += ids[i] != ids[i - 1] ? 1 : 0;
        }

        result.TermIds = new int[distinct];
        result.Tfs = new int[distinct];
        int k = 0;
        result.TermIds[0] = ids[0];
        result.Tfs[0] = 1;
        for (int i = 1; i < ids.Count; i++)
        {
            if (ids[i] == ids[i - 1])
            {
                result.Tfs[k]++;
            }
            else
            {
                k++;
                result.TermIds[k] = ids[i];
                result.Tfs[k] = 1;
            }
        }

        return result;
    }
}
