using System.Diagnostics;
using Lodestar.Eval;
using Lodestar.Formats;
using Lodestar.Fusion;
using Lodestar.Llm.Embedding;
using Lodestar.Rerank.RetroStar;
using Lodestar.Model;
using Lodestar.Server.Api;
using Lodestar.Server.Catalog;
using Lodestar.Server.Reranking;
using Lodestar.Server.Telemetry;

namespace Lodestar.Server;

/// <summary>Search, documents, reranking and explanations: the work behind the HTTP API, the MCP tools and the page.</summary>
public sealed class SearchService
{
    private static readonly IReadOnlyList<Measure> s_ndcg10 = Measures.Parse(["ndcg_cut.10"]);
    private readonly ServerOptions _options;
    private readonly Dictionary<string, Topic> _topics;
    private readonly Qrels? _qrels;

    /// <summary>Loads topics and qrels (when given) and wires the catalogs.</summary>
    public SearchService(ServerOptions options, IndexCatalog indexes, RerankerRegistry rerankers, ServerMetrics metrics)
    {
        _options = options;
        Indexes = indexes;
        Rerankers = rerankers;
        Metrics = metrics;
        Topics = options.TopicsPath is null ? [] : TopicReader.Read(options.TopicsPath);
        _topics = Topics.GroupBy(t => t.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _qrels = options.QrelsPath is null ? null : QrelsFormat.Read(options.QrelsPath);
    }

    /// <summary>The loaded indexes.</summary>
    public IndexCatalog Indexes { get; }

    /// <summary>The reranking methods.</summary>
    public RerankerRegistry Rerankers { get; }

    /// <summary>The instruments.</summary>
    public ServerMetrics Metrics { get; }

    /// <summary>The loaded topics.</summary>
    public List<Topic> Topics { get; }

    /// <summary>Whether qrels are loaded.</summary>
    public bool HasQrels => _qrels is not null;

    /// <summary>Limits.</summary>
    public ServerLimits Limits => _options.Limits;

    /// <summary>Runs a search.</summary>
    /// <exception cref="ApiProblem">An unknown index or topic, or a value out of range.</exception>
    /// <exception cref="BackendException">The rerank's LLM backend failed.</exception>
    public async Task<SearchResponse> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        LoadedIndex index = Indexes.Get(request.Index);
        Topic topic = TopicOf(request);
        int k = request.K ?? 10;
        Check("k", k, 1, Limits.MaxK);
        string mode = (request.Mode ?? "bm25").ToLowerInvariant();
        int top = request.Rerank is { } r ? r.Top ?? k : 0;
        if (request.Rerank is not null)
        {
            Check("rerank.top", top, 1, Limits.MaxRerankTop);
        }

        List<Hit> first = await FirstStageAsync(index, topic, mode, Math.Max(k, top), ct).ConfigureAwait(false);
        Metrics.RecordSearch(mode);
        bool explain = request.Explain == true;
        var hits = new List<SearchHit>(Math.Min(k, first.Count));
        LodestarMeta? meta = null;
        if (request.Rerank is null)
        {
            for (int i = 0; i < Math.Min(k, first.Count); i++)
            {
                hits.Add(new SearchHit(i + 1, first[i].DocId, first[i].Score, first[i].Score, i + 1, Relevance: Grade(topic, first[i].DocId),
                    Explanation: explain && mode == "bm25" ? index.Searcher.Explain(topic, first[i].DocId) : null));
            }
        }
        else
        {
            List<Hit> window = [.. first.Take(top)];
            IReranker reranker = Resolve(request.Rerank.Method);
            RerankInput input = new(topic.Text, [.. window.Select(h => new RerankCandidate(h.DocId, index.TextOf(h.DocId) ?? "", h.Score))],
                CheckSamples(request.Rerank.Samples), DefinitionOf(request.Rerank));
            RerankOutcome outcome = await reranker.RerankAsync(input, ct).ConfigureAwait(false);
            meta = MetaOf(outcome, input.Samples ?? _options.Rerank.Samples);
            foreach (RerankedCandidate c in outcome.Candidates.Take(k))
            {
                Hit h = window[c.Position];
                hits.Add(new SearchHit(hits.Count + 1, c.Id, c.Score ?? 0, h.Score, c.Position + 1, c.Score, Grade(topic, c.Id),
                    explain && mode == "bm25" ? index.Searcher.Explain(topic, c.Id) : null, explain ? c.Samples : null));
            }

            // Beyond the reranked window the first stage's order continues.
            for (int i = top; i < first.Count && hits.Count < k; i++)
            {
                hits.Add(new SearchHit(hits.Count + 1, first[i].DocId, first[i].Score, first[i].Score, i + 1, null, Grade(topic, first[i].DocId),
                    explain && mode == "bm25" ? index.Searcher.Explain(topic, first[i].DocId) : null));
            }
        }

        NdcgFigures? ndcg = null;
        if (_qrels is not null && _qrels.Contains(topic.Id))
        {
            ndcg = new NdcgFigures(Ndcg10(topic.Id, first), Ndcg10(topic.Id, [.. hits.Select(h => new Hit(h.Id, -h.Rank))]));
        }

        return new SearchResponse(index.Name, topic.Text, mode, hits, Stopwatch.GetElapsedTime(start).TotalMilliseconds, meta,
            _topics.ContainsKey(topic.Id) ? topic.Id : null, ndcg);
    }

    /// <summary>Reranks caller-given texts (the rerank APIs).</summary>
    public async Task<RerankOutcome> RerankAsync(string? query, IReadOnlyList<string> texts, LodestarRerankFields fields, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(query))
        {
            throw ApiProblem.Invalid("query: expected a non-empty string, found none");
        }

        Check("query length", query.Length, 1, Limits.MaxQueryChars);
        if (texts.Count == 0)
        {
            throw ApiProblem.Invalid("documents: expected at least one document, found none");
        }

        if (texts.Count > Limits.MaxDocuments)
        {
            throw ApiProblem.Limit("documents per request", Limits.MaxDocuments, texts.Count);
        }

        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i].Length > Limits.MaxDocumentChars)
            {
                throw ApiProblem.Limit($"document {i} length in characters", Limits.MaxDocumentChars, texts[i].Length);
            }
        }

        IReranker reranker = Resolve(fields.Method);
        return await reranker.RerankAsync(new RerankInput(query, [.. texts.Select((t, i) => new RerankCandidate(i.ToString(System.Globalization.CultureInfo.InvariantCulture), t, 0))],
            CheckSamples(fields.Samples), DefinitionOf(fields)), ct).ConfigureAwait(false);
    }

    /// <summary>A stored document.</summary>
    /// <exception cref="ApiProblem">404 for an unknown index or id.</exception>
    public DocumentResponse Document(string? indexName, string id)
    {
        LoadedIndex index = Indexes.Get(indexName);
        return index.Reader.TryGetDoc(id, out int doc)
            ? new DocumentResponse(index.Name, id, index.Reader.GetText(doc), index.Reader.DocLengths[doc])
            : throw ApiProblem.NotFound($"index '{index.Name}' has no document '{IndexCatalog.Cut(id)}'");
    }

    /// <summary>The Lodestar fields of a rerank answer.</summary>
    public static LodestarMeta MetaOf(RerankOutcome outcome, int samples) => new(outcome.Method, samples, outcome.Requested, outcome.Reused, outcome.Unparseable,
        outcome.Candidates.Count(c => c.Score is null));

    private IReranker Resolve(string? method)
    {
        if (Rerankers.Default is null)
        {
            throw new BackendException(503, "no LLM is configured: start the server with --endpoint URL --model NAME or --gguf MODEL");
        }

        return Rerankers.TryGet(method, out IReranker? r) ? r!
            : throw ApiProblem.Invalid($"method: expected one of {string.Join(", ", Rerankers.Names)}, found '{IndexCatalog.Cut(method ?? "")}'");
    }

    private int? CheckSamples(int? samples)
    {
        if (samples is int s)
        {
            Check("samples", s, 1, Limits.MaxSamples);
        }

        return samples;
    }

    private static RelevanceDefinition? DefinitionOf(LodestarRerankFields fields)
    {
        if (fields.Relevance is { } r)
        {
            return new RelevanceDefinition(r.QueryType ?? RelevanceDefinition.Default.QueryType, r.DocType ?? RelevanceDefinition.Default.DocType,
                r.Definition ?? RelevanceDefinition.Default.Definition);
        }

        return fields.Task is null ? null
            : RelevanceDefinition.Bright.TryGetValue(fields.Task, out RelevanceDefinition? d) ? d
            : throw ApiProblem.Invalid($"task: expected one of {string.Join(", ", RelevanceDefinition.Bright.Keys)}, found '{IndexCatalog.Cut(fields.Task)}'");
    }

    private Topic TopicOf(SearchRequest request)
    {
        if (request.Topic is { } id)
        {
            Topic t = _topics.GetValueOrDefault(id) ?? throw ApiProblem.NotFound($"unknown topic '{IndexCatalog.Cut(id)}'" + (_topics.Count == 0 ? ": no topics are loaded (--topics)" : ""));
            return request.Query is null ? t : t with { Text = request.Query };
        }

        if (string.IsNullOrWhiteSpace(request.Query))
        {
            throw ApiProblem.Invalid("query: expected a non-empty string (or a topic id), found none");
        }

        Check("query length", request.Query.Length, 1, Limits.MaxQueryChars);
        return new Topic("query", request.Query);
    }

    private async Task<List<Hit>> FirstStageAsync(LoadedIndex index, Topic topic, string mode, int k, CancellationToken ct)
    {
        switch (mode)
        {
            case "bm25":
                return index.Searcher.Search(topic, k);
            case "dense":
            case "hybrid":
                if (index.Vectors is null || _options.Embedder is null)
                {
                    throw ApiProblem.Invalid($"mode: '{mode}' needs a vector index in the index folder and an embedding model at start-up (--embed-endpoint or --embed-gguf); index '{index.Name}' has {(index.Vectors is null ? "no vector index" : "no embedding model")}");
                }

                Run dense = await DenseRetriever.SearchAsync(index.Vectors, _options.Embedder, _options.Profile, [topic], k, cancellationToken: ct).ConfigureAwait(false);
                if (mode == "dense")
                {
                    return [.. dense[topic.Id]];
                }

                var sparse = new Run("bm25");
                sparse.Set(topic.Id, index.Searcher.Search(topic, k));
                return [.. RunFusion.Fuse([(sparse, 1), (dense, 1)], FusionMethod.Rrf, k)[topic.Id]];
            default:
                throw ApiProblem.Invalid($"mode: expected bm25, dense or hybrid, found '{IndexCatalog.Cut(mode)}'");
        }
    }

    private int? Grade(Topic topic, string doc) =>
        _qrels is not null && _qrels.Contains(topic.Id) ? _qrels[topic.Id].GetValueOrDefault(doc) : null;

    private double Ndcg10(string topic, IReadOnlyList<Hit> ranking)
    {
        var run = new Run("page");
        run.Set(topic, [.. ranking]);
        return Evaluator.Evaluate(_qrels!, run, s_ndcg10).All[0];
    }

    private static void Check(string name, long value, long min, long max)
    {
        if (value > max)
        {
            throw ApiProblem.Limit(name, max, value);
        }

        if (value < min)
        {
            throw ApiProblem.Invalid($"{name}: expected at least {min}, found {value}");
        }
    }
}
