using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    /// <summary>Adds one term's contribution to every document of its postings (the hot loop of search).</summary>
    /// <remarks>Same arithmetic as <see cref="Contribution"/>, so explanations sum to the score exactly.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Accumulate(ReadOnlySpan<byte> postings, double queryWeight, double idf, Accumulator acc)
    {
        double[] scores = acc.Scores;
        int[] touched = acc.Touched;
        int count = acc.TouchedCount;
        ref byte p = ref MemoryMarshal.GetReference(postings);
        int length = postings.Length;
        int pos = 0;
        int doc = -1;
        if (Parameters.Mode == Bm25Mode.Bright)
        {
            double[] norms = _docNorm;
            while (pos < length)
            {
                doc += ReadVarInt(ref p, ref pos);
                int tf = ReadVarInt(ref p, ref pos);
                double before = scores[doc];
                if (before == 0)
                {
                    touched[count++] = doc;
                }

                scores[doc] = before + (queryWeight * (idf * tf / (tf + norms[doc])));
            }
        }
        else
        {
            float weight = (float)queryWeight;
            while (pos < length)
            {
                doc += ReadVarInt(ref p, ref pos);
                int tf = ReadVarInt(ref p, ref pos);
                double before = scores[doc];
                if (before == 0)
                {
                    touched[count++] = doc;
                }

                scores[doc] = before + (weight - (weight / (1f + (tf * _normCache[_normBytes[doc]]))));
            }
        }

        acc.TouchedCount = count;
    }

    /// <summary>Decodes a term's postings with each document's weight precomputed: w(t,d) = idf·tf/(tf + norm(d))
    /// (Bright) or tf·normInverse(d) as a float (Lucene).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal DecodedPostings Decode(ReadOnlySpan<byte> postings, int df, double idf)
    {
        int[] docs = new int[df];
        double[] weights = new double[df];
        ref byte p = ref MemoryMarshal.GetReference(postings);
        int pos = 0;
        int doc = -1;
        bool bright = Parameters.Mode == Bm25Mode.Bright;
        for (int i = 0; i < df; i++)
        {
            doc += ReadVarInt(ref p, ref pos);
            int tf = ReadVarInt(ref p, ref pos);
            docs[i] = doc;
            weights[i] = bright ? idf * tf / (tf + _docNorm[doc]) : tf * _normCache[_normBytes[doc]];
        }

        return new DecodedPostings(docs, weights);
    }

    /// <summary>Adds one term's contribution from decoded postings; the same arithmetic as <see cref="Contribution"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Accumulate(DecodedPostings postings, double queryWeight, Accumulator acc)
    {
        double[] scores = acc.Scores;
        int[] touched = acc.Touched;
        int count = acc.TouchedCount;
        int[] docs = postings.Docs;
        double[] weights = postings.Weights;
        if (Parameters.Mode == Bm25Mode.Bright)
        {
            for (int i = 0; i < docs.Length; i++)
            {
                int doc = docs[i];
                double before = scores[doc];
                if (before == 0)
                {
                    touched[count++] = doc;
                }

                scores[doc] = before + (queryWeight * weights[i]);
            }
        }
        else
        {
            float weight = (float)queryWeight;
            for (int i = 0; i < docs.Length; i++)
            {
                int doc = docs[i];
                double before = scores[doc];
                if (before == 0)
                {
                    touched[count++] = doc;
                }

                scores[doc] = before + (weight - (weight / (1f + (float)weights[i])));
            }
        }

        acc.TouchedCount = count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadVarInt(ref byte p, ref int pos)
    {
        int b = Unsafe.Add(ref p, pos++);
        if (b < 0x80)
        {
            return b;
        }

        int value = b & 0x7F;
        int shift = 7;
        do
        {
            b = Unsafe.Add(ref p, pos++);
            value |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);

        return value;
    }

    /// <summary>Rounds a summed score the way the mode's reference does (Lucene returns floats).</summary>
    public double Finish(double score) => Parameters.Mode == Bm25Mode.Lucene ? (float)score : score;
}
