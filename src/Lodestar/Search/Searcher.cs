using System.Collections.Concurrent;
using Lodestar.Analysis;
using Lodestar.Index;
using Lodestar.Model;

namespace Lodestar.Search;

/// <summary>
/// Term-at-a-time BM25 retrieval over an <see cref="IndexReader"/>: analyze the query, add each term's
/// contribution into a per-thread score array, then keep the top k with a bounded heap.
/// </summary>
/// <remarks>
/// Cost per query: O(Σ df(t) + touched·log k). Excluded documents are removed before the cut, so k results come
/// back whenever k non-excluded documents match. Ties: score descending, then document id ascending. Thread-safe.
/// </remarks>
public sealed class Searcher
{
    private readonly IndexReader _index;
    private readonly Bm25Scorer _scorer;
    private readonly ThreadLocal<Analyzer> _analyzer;
    private readonly ThreadLocal<Accumulator> _accumulator;
    private readonly ConcurrentDictionary<long, DecodedPostings> _decoded = new();
    private readonly ConcurrentDictionary<long, bool> _seen = new();
    private readonly long _cacheBudgetBytes;
    private long _cachedBytes;

    /// <summary>Creates a searcher; nothing here is O(N) (the norms are looked up by document length).</summary>
    /// <param name="index">The index.</param>
    /// <param name="parameters">BM25 variant and parameters.</param>
    /// <param name="cacheBudgetBytes">Memory for decoded postings of the terms queried so far (12 bytes a posting);
    /// terms beyond it are scored straight from the compressed postings. Results are identical either way.</param>
    public Searcher(IndexReader index, Bm25Parameters parameters, long cacheBudgetBytes = 256L << 20)
    {
        _cacheBudgetBytes = cacheBudgetBytes;
        _index = index;
        _scorer = new Bm25Scorer(index, parameters);
        _analyzer = new ThreadLocal<Analyzer>(index.CreateAnalyzer);
        _accumulator = new ThreadLocal<Accumulator>(() => new Accumulator(index.DocumentCount));
    }

    /// <summary>The scorer in use.</summary>
    public Bm25Scorer Scorer => _scorer;

    /// <summary>The k best documents for <paramref name="query"/>, skipping <paramref name="excludedIds"/>.</summary>
    public List<Hit> Search(string query, int k, IReadOnlyCollection<string>? excludedIds = null) =>
        Search(Prepare(Analyze(query), out _), k, excludedIds);

    /// <summary>Searches for one topic; a pre-analyzed topic's tokens are used as they are.</summary>
    public List<Hit> Search(Topic topic, int k) => Search(Prepare(TermsOf(topic), out _), k, topic.ExcludedIds);

    private List<Hit> Search(QueryTerm[] terms, int k, IReadOnlyCollection<string>? excludedIds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (terms.Length == 0)
        {
            return []; // no term of the index: nothing scores, and the N-document accumulator is not needed
        }

        Accumulator acc = _accumulator.Value!;
        foreach (QueryTerm t in terms)
        {
            if (Decoded(t) is DecodedPostings decoded)
            {
                _scorer.Accumulate(decoded, t.Weight, acc);
            }
            else
            {
                _scorer.Accumulate(_index.Postings(t.Info), t.Weight, t.Idf, acc);
            }
        }

        Func<int, bool>? excluded = ResolveExcluded(excludedIds);
        (int Doc, double Score, string Id)[] best = TopK.Select(acc, k, _index.DocId, excluded, _scorer.Parameters.Mode == Bm25Mode.Lucene);
        acc.Clear();
        return [.. best.Select(x => new Hit(x.Id, x.Score))];
    }

    /// <summary>The decoded postings of a term, decoding them the second time the term is queried if the cache budget
    /// allows, else null (scored from the compressed postings). A term seen once is not decoded: decoding costs more
    /// than scoring the compressed postings once, and most terms of a one-off query are never queried again.</summary>
    private DecodedPostings? Decoded(QueryTerm t)
    {
        if (_decoded.TryGetValue(t.Info.Offset, out DecodedPostings? cached))
        {
            return cached;
        }

        if (_seen.TryAdd(t.Info.Offset, true))
        {
            return null;
        }

        long bytes = (long)t.Info.Df * 12;
        if (Interlocked.Add(ref _cachedBytes, bytes) > _cacheBudgetBytes)
        {
            Interlocked.Add(ref _cachedBytes, -bytes);
            return null;
        }

        DecodedPostings decoded = _scorer.Decode(_index.Postings(t.Info), t.Info.Df, t.Idf);
        if (!_decoded.TryAdd(t.Info.Offset, decoded))
        {
            Interlocked.Add(ref _cachedBytes, -bytes); // another thread decoded it first
            return _decoded[t.Info.Offset];
        }

        return decoded;
    }

    /// <summary>Searches every topic in parallel; the run keeps the topics' order.</summary>
    /// <remarks>One topic, or one thread, is searched on the calling thread: starting the thread pool's workers costs a
    /// one-query search more than the query's own scoring on a small index.</remarks>
    public Run Search(IReadOnlyList<Topic> topics, int k, int threads = 0, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var results = new List<Hit>[topics.Count];
        int done = 0;
        int degree = threads > 0 ? threads : Environment.ProcessorCount;
        if (topics.Count <= 1 || degree == 1)
        {
            for (int i = 0; i < topics.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                results[i] = Search(topics[i], k);
                progress?.Report(++done);
            }
        }
        else
        {
            Parallel.For(0, topics.Count, new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = ct }, i =>
            {
                results[i] = Search(topics[i], k);
                progress?.Report(Interlocked.Increment(ref done));
            });
        }
        var run = new Run($"lodestar-bm25-{_scorer.Parameters.Mode.ToString().ToLowerInvariant()}");
        for (int i = 0; i < topics.Count; i++)
        {
            run.Set(topics[i].Id, results[i]);
        }

        return run;
    }

    /// <summary>The per-term breakdown of the score of <paramref name="docId"/> for <paramref name="query"/>.</summary>
    /// <exception cref="ArgumentException">The document is not in the index.</exception>
    public Explanation Explain(string query, string docId) => Explain(new Topic("explain", query), docId);

    /// <summary>The per-term breakdown of the score of <paramref name="docId"/> for <paramref name="topic"/>.</summary>
    /// <exception cref="ArgumentException">The document is not in the index.</exception>
    public Explanation Explain(Topic topic, string docId)
    {
        if (!_index.TryGetDoc(docId, out int doc))
        {
            throw new ArgumentException($"document '{docId}' is not in the index", nameof(docId));
        }

        QueryTerm[] terms = Prepare(TermsOf(topic), out List<string> dropped);
        var lines = new List<TermExplanation>();
        double sum = 0;
        foreach (QueryTerm t in terms)
        {
            int tf = TermFrequency(t.Info, doc);
            double c = tf == 0 ? 0 : _scorer.Contribution(t.Weight, t.Idf, tf, doc);
            sum += c;
            lines.Add(new TermExplanation(t.Term, t.QueryTf, t.Info.Df, t.Idf, tf, t.Weight, c));
        }

        return new Explanation(docId, _index.DocLengths[doc], _scorer.Finish(sum), lines, dropped);
    }

    private int TermFrequency(TermInfo info, int target)
    {
        ReadOnlySpan<byte> postings = _index.Postings(info);
        int pos = 0;
        int doc = -1;
        while (pos < postings.Length)
        {
            doc += (int)VarInt.Read(postings, ref pos);
            int tf = (int)VarInt.Read(postings, ref pos);
            if (doc >= target)
            {
                return doc == target ? tf : 0;
            }
        }

        return 0;
    }

    private IReadOnlyList<string> TermsOf(Topic topic) =>
        topic.Tokens is not null && _index.Header.Analyzer == WhitespaceAnalyzer.RegistryName ? topic.Tokens : Analyze(topic.Text);

    private List<string> Analyze(string text) => _analyzer.Value!.Analyze(text);

    private QueryTerm[] Prepare(IReadOnlyList<string> queryTerms, out List<string> dropped)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        var oov = new List<string>();
        foreach (string s in queryTerms)
        {
            if (!_index.TryGetTerm(s, out _))
            {
                oov.Add(s);
            }
            else if (counts.TryGetValue(s, out int c))
            {
                counts[s] = c + 1;
            }
            else
            {
                counts[s] = 1;
                order.Add(s);
            }
        }

        dropped = oov;
        int queryLength = counts.Values.Sum();
        var terms = new QueryTerm[order.Count];
        for (int i = 0; i < order.Count; i++)
        {
            _index.TryGetTerm(order[i], out TermInfo info);
            int qtf = counts[order[i]];
            terms[i] = new QueryTerm(order[i], info, qtf, _scorer.Idf(info.Df), _scorer.QueryWeight(info.Df, qtf, queryLength));
        }

        return terms;
    }

    /// <summary>Whether a document is excluded: by internal id once the index's table of external ids exists, else by
    /// reading the external id of each document good enough to be kept (building that table is O(N), more than a
    /// one-query search costs otherwise).</summary>
    private Func<int, bool>? ResolveExcluded(IReadOnlyCollection<string>? ids)
    {
        if (ids is null || ids.Count == 0)
        {
            return null;
        }

        if (!_index.HasDocTable)
        {
            var external = new HashSet<string>(ids, StringComparer.Ordinal);
            return doc => external.Contains(_index.DocId(doc));
        }

        var set = new HashSet<int>();
        foreach (string id in ids)
        {
            if (_index.TryGetDoc(id, out int doc))
            {
                set.Add(doc);
            }
        }

        return set.Contains;
    }

    private readonly record struct QueryTerm(string Term, TermInfo Info, int QueryTf, double Idf, double Weight);
}
