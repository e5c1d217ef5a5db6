using Lodestar.Index;

namespace Lodestar.Search;

/// <summary>
/// BM25 weights for one index and one <see cref="Bm25Parameters"/>, with the per-document normalisation
/// precomputed: k1·(1 − b + b·|d|/avgdl) (<see cref="Bm25Mode.Bright"/>) or Lucene's 256-entry norm cache.
/// </summary>
/// <remarks>Formulas: see <see cref="Bm25Mode"/>. Robertson &amp; Zaragoza, "The Probabilistic Relevance Framework:
/// BM25 and Beyond" (2009); Kamphuis et al., "Which BM25 Do You Mean?" (ECIR 2020).</remarks>
public sealed class Bm25Scorer
{
    private readonly double[] _docNorm = [];
    private readonly byte[] _normBytes = [];
    private readonly float[] _normCache = new float[256];

    /// <summary>Precomputes the normalisation of every document of <paramref name="index"/>.</summary>
    public Bm25Scorer(IndexReader index, Bm25Parameters parameters)
    {
        Parameters = parameters;
        IndexHeader h = index.Header;
        N = h.DocumentCount;
        ReadOnlySpan<int> lengths = index.DocLengths;
        if (parameters.Mode == Bm25Mode.Bright)
        {
            AvgDocLength = (double)h.TotalTerms / N;
            _docNorm = new double[N];
            for (int d = 0; d < N; d++)
            {
                _docNorm[d] = Norm(lengths[d]);
            }
        }
        else
        {
            DocCount = Math.Max(1, h.NonEmptyDocumentCount);
            AvgDocLength = (float)(h.TotalTerms / (double)DocCount);
            _normBytes = new byte[N];
            for (int d = 0; d < N; d++)
            {
                _normBytes[d] = SmallFloat.IntToByte4(lengths[d]);
            }

            float k1 = (float)parameters.K1;
            float b = (float)parameters.B;
            float avgdl = (float)AvgDocLength;
            for (int i = 0; i < 256; i++)
            {
                _normCache[i] = 1f / (k1 * ((1 - b) + (b * SmallFloat.Byte4ToInt((byte)i) / avgdl)));
            }
        }
    }

    /// <summary>The parameters.</summary>
    public Bm25Parameters Parameters { get; }

    /// <summary>N, documents in the index.</summary>
    public int N { get; }

    /// <summary>Lucene's docCount (non-empty documents); used by <see cref="Bm25Mode.Lucene"/>.</summary>
    public int DocCount { get; }

    /// <summary>avgdl: total terms / N (Bright) or / docCount as a float (Lucene).</summary>
    public double AvgDocLength { get; }

    /// <summary>idf(t) for a term in <paramref name="df"/> documents.</summary>
    public double Idf(int df) => Parameters.Mode == Bm25Mode.Bright
        ? Math.Log(N + 1.0) - Math.Log(df + 0.5)
        : (float)Math.Log(1 + ((DocCount - df + 0.5D) / (df + 0.5D)));

    /// <summary>k1·(1 − b + b·length/avgdl).</summary>
    public double Norm(int length) => Parameters.K1 * (1 - Parameters.B + (Parameters.B * length / AvgDocLength));

    /// <summary>The query-side weight of a term: w(t,q) (Bright) or qtf·idf (Lucene's boosted term weight).</summary>
    public double QueryWeight(int df, int qtf, int queryLength)
    {
        double idf = Idf(df);
        return Parameters.Mode == Bm25Mode.Bright
            ? idf * qtf / (qtf + Norm(queryLength))
            : (float)(qtf * (float)idf);
    }

    /// <summary>The contribution of a term with query weight <paramref name="queryWeight"/> to document <paramref name="doc"/>.</summary>
    /// <remarks>Bright: w(t,q)·idf·tf/(tf + norm(d)) with the idf folded in by the caller; Lucene: Lucene's float
    /// <c>weight − weight/(1 + tf·normInverse)</c>.</remarks>
    public double Contribution(double queryWeight, double idf, int tf, int doc)
    {
        if (Parameters.Mode == Bm25Mode.Bright)
        {
            return queryWeight * (idf * tf / (tf + _docNorm[doc]));
        }

        float weight = (float)queryWeight;
        float normInverse = _normCache[_normBytes[doc]];
        return weight - (weight / (1f + (tf * normInverse)));
    }

    /// <summary>Rounds a summed score the way the mode's reference does (Lucene returns floats).</summary>
    public double Finish(double score) => Parameters.Mode == Bm25Mode.Lucene ? (float)score : score;
}
