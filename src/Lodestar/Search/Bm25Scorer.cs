using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lodestar.Index;

namespace Lodestar.Search;

/// <summary>
/// BM25 weights for one index and one <see cref="Bm25Parameters"/>, with the per-document normalisation
/// k1·(1 − b + b·|d|/avgdl) (<see cref="Bm25Mode.Bright"/>) or Lucene's 256-entry norm cache looked up by document
/// length in a table of the first 16,384 lengths.
/// </summary>
/// <remarks>Formulas: see <see cref="Bm25Mode"/>. Robertson &amp; Zaragoza, "The Probabilistic Relevance Framework:
/// BM25 and Beyond" (2009); Kamphuis et al., "Which BM25 Do You Mean?" (ECIR 2020).
/// The norm is a function of the document's length alone, so it is read from a table indexed by length (computed once,
/// O(1) in N) rather than from an array of N norms: creating a scorer does nothing O(N), which a one-query search pays
/// in full (at 534k documents the array took most of a native build's search time). A length past the table is
/// computed with the same expression, so scores are identical either way.</remarks>
public sealed class Bm25Scorer
{
    private const int TabledLengths = 1 << 14;
    private readonly IndexReader _index;
    private readonly double[] _normByLength = [];
    private readonly float[] _normInverseByLength = [];
    private readonly float[] _normCache = new float[256];

    /// <summary>Prepares the scorer for <paramref name="index"/>: the collection statistics and a table of norms by
    /// document length (no per-document work).</summary>
    public Bm25Scorer(IndexReader index, Bm25Parameters parameters)
    {
        Parameters = parameters;
        _index = index;
        IndexHeader h = index.Header;
        N = h.DocumentCount;
        if (parameters.Mode == Bm25Mode.Bright)
        {
            AvgDocLength = (double)h.TotalTerms / N;
            _normByLength = new double[TabledLengths];
        }
        else
        {
            DocCount = Math.Max(1, h.NonEmptyDocumentCount);
            AvgDocLength = (float)(h.TotalTerms / (double)DocCount);
            float k1 = (float)parameters.K1;
            float b = (float)parameters.B;
            float avgdl = (float)AvgDocLength;
            for (int i = 0; i < 256; i++)
            {
                _normCache[i] = 1f / (k1 * ((1 - b) + (b * SmallFloat.Byte4ToInt((byte)i) / avgdl)));
            }

            _normInverseByLength = new float[TabledLengths];
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
        int length = _index.DocLengths[doc];
        if (Parameters.Mode == Bm25Mode.Bright)
        {
            return queryWeight * (idf * tf / (tf + DocNorm(length)));
        }

        float weight = (float)queryWeight;
        float normInverse = NormInverse(length);
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
        ReadOnlySpan<int> lengths = _index.DocLengths;
        if (Parameters.Mode == Bm25Mode.Bright)
        {
            double[] norms = _normByLength;
            while (pos < length)
            {
                doc += ReadVarInt(ref p, ref pos);
                int tf = ReadVarInt(ref p, ref pos);
                double before = scores[doc];
                if (before == 0)
                {
                    touched[count++] = doc;
                }

                int dl = lengths[doc];
                double norm = (uint)dl < (uint)norms.Length ? norms[dl] : 0;
                if (norm == 0)
                {
                    norm = DocNorm(dl);
                }

                scores[doc] = before + (queryWeight * (idf * tf / (tf + norm)));
            }
        }
        else
        {
            float weight = (float)queryWeight;
            float[] inverses = _normInverseByLength;
            while (pos < length)
            {
                doc += ReadVarInt(ref p, ref pos);
                int tf = ReadVarInt(ref p, ref pos);
                double before = scores[doc];
                if (before == 0)
                {
                    touched[count++] = doc;
                }

                int dl = lengths[doc];
                float normInverse = (uint)dl < (uint)inverses.Length ? inverses[dl] : 0;
                if (normInverse == 0)
                {
                    normInverse = NormInverse(dl);
                }

                scores[doc] = before + (weight - (weight / (1f + (tf * normInverse))));
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
        ReadOnlySpan<int> lengths = _index.DocLengths;
        for (int i = 0; i < df; i++)
        {
            doc += ReadVarInt(ref p, ref pos);
            int tf = ReadVarInt(ref p, ref pos);
            docs[i] = doc;
            weights[i] = bright ? idf * tf / (tf + DocNorm(lengths[doc])) : tf * NormInverse(lengths[doc]);
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

    /// <summary>k1·(1 − b + b·length/avgdl), from the table when the length is in it, computed and kept there the
    /// first time.</summary>
    /// <remarks>The tables are filled on demand, not when the scorer is made: a one-query search touches only the
    /// page of lengths its documents have (one page for short passages), not 128 KiB of fresh memory, which costs
    /// about a millisecond on the VMs measured (docs/benchmarks.md). A norm is positive when k1 is; with k1 = 0 it is 0
    /// and recomputed each time, with the same value. Threads that fill one entry at once write the same bits.</remarks>
    private double DocNorm(int length)
    {
        if ((uint)length >= (uint)_normByLength.Length)
        {
            return Norm(length);
        }

        double norm = _normByLength[length];
        return norm != 0 ? norm : _normByLength[length] = Norm(length);
    }

    /// <summary>Lucene's 1/(k1·(1 − b + b·decoded(length)/avgdl)) as a float, from the table when the length is in it,
    /// filled on demand as <see cref="DocNorm"/>.</summary>
    private float NormInverse(int length)
    {
        if ((uint)length >= (uint)_normInverseByLength.Length)
        {
            return _normCache[SmallFloat.IntToByte4(length)];
        }

        float inverse = _normInverseByLength[length]; // never 0 once filled (a positive norm's inverse, or infinity)
        return inverse != 0 ? inverse : _normInverseByLength[length] = _normCache[SmallFloat.IntToByte4(length)];
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
