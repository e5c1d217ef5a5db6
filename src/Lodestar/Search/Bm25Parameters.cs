namespace Lodestar.Search;

/// <summary>Which BM25 to compute.</summary>
public enum Bm25Mode
{
    /// <summary>
    /// BRIGHT's query-side BM25, gensim's <c>LuceneBM25Model</c> applied to documents and to the query:
    /// score(q,d) = Σ_t w(t,q)·w(t,d), w(t,x) = idf(t)·tf(t,x) / (tf(t,x) + k1·(1 − b + b·|x|/avgdl)),
    /// idf(t) = ln(N + 1) − ln(df(t) + 0.5), avgdl = total terms / N, in double precision.
    /// </summary>
    Bright,

    /// <summary>
    /// Anserini's BM25 (Lucene 9 <c>BM25Similarity</c>): Σ_t qtf(t)·idf(t)·tf / (tf + k1·(1 − b + b·L(d)/avgdl)),
    /// idf(t) = ln(1 + (docCount − df + 0.5)/(df + 0.5)), L(d) the length after Lucene's lossy one-byte norm
    /// (<c>SmallFloat.intToByte4</c>), docCount the non-empty documents, in Lucene's float arithmetic.
    /// </summary>
    Lucene,
}

/// <summary>BM25's parameters.</summary>
public sealed record Bm25Parameters
{
    /// <summary>Creates parameters, checking their ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k1 is negative or not finite, or b is outside [0, 1].</exception>
    public Bm25Parameters(Bm25Mode mode = Bm25Mode.Bright, double k1 = 0.9, double b = 0.4)
    {
        if (!double.IsFinite(k1) || k1 < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(k1), k1, $"illegal k1 value: {k1}, must be a finite number >= 0");
        }

        if (!double.IsFinite(b) || b < 0 || b > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(b), b, $"illegal b value: {b}, must be between 0 and 1");
        }

        Mode = mode;
        K1 = k1;
        B = b;
    }

    /// <summary>The BM25 variant.</summary>
    public Bm25Mode Mode { get; }

    /// <summary>Term-frequency saturation, k1 (default 0.9, as BRIGHT and Anserini).</summary>
    public double K1 { get; }

    /// <summary>Length normalisation, b (default 0.4).</summary>
    public double B { get; }
}
