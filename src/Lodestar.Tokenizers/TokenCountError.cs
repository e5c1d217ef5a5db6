namespace Lodestar.Tokenizers;

/// <summary>
/// How far one way of counting tokens is from a reference over the same texts: per text the relative error
/// <c>(count − reference) / reference</c>; summarized as the ratio of totals, the mean signed error (bias), and the
/// mean, median, 95th percentile (nearest rank) and maximum of the absolute error.
/// </summary>
/// <param name="Method">The counter measured.</param>
/// <param name="Reference">The counter taken as the truth.</param>
/// <param name="Texts">Texts compared (those with at least one reference token).</param>
/// <param name="Tokens">The method's total.</param>
/// <param name="ReferenceTokens">The reference's total.</param>
/// <param name="MeanSigned">Mean relative error, signed: above 0 the method counts too many.</param>
/// <param name="MeanAbsolute">Mean absolute relative error.</param>
/// <param name="MedianAbsolute">Median absolute relative error.</param>
/// <param name="P95Absolute">95th percentile of the absolute relative error.</param>
/// <param name="MaxAbsolute">Largest absolute relative error.</param>
/// <param name="Within10Percent">Share of texts whose count is within 10% of the reference.</param>
public sealed record TokenCountError(string Method, string Reference, int Texts, long Tokens, long ReferenceTokens, double MeanSigned,
    double MeanAbsolute, double MedianAbsolute, double P95Absolute, double MaxAbsolute, double Within10Percent)
{
    /// <summary>The method's total over the reference's.</summary>
    public double TotalRatio => ReferenceTokens == 0 ? double.NaN : (double)Tokens / ReferenceTokens;

    /// <summary>Compares <paramref name="counts"/> with <paramref name="reference"/>, text by text.</summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static TokenCountError Of(string method, string referenceName, IReadOnlyList<int> counts, IReadOnlyList<int> reference)
    {
        if (counts.Count != reference.Count)
        {
            throw new ArgumentException($"{counts.Count} counts for {reference.Count} reference counts", nameof(counts));
        }

        var signed = new List<double>(counts.Count);
        long tokens = 0, referenceTokens = 0;
        for (int i = 0; i < counts.Count; i++)
        {
            if (reference[i] == 0)
            {
                continue;
            }

            tokens += counts[i];
            referenceTokens += reference[i];
            signed.Add((double)(counts[i] - reference[i]) / reference[i]);
        }

        double[] absolute = [.. signed.Select(Math.Abs).Order()];
        int n = absolute.Length;
        return n == 0
            ? new TokenCountError(method, referenceName, 0, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
            : new TokenCountError(method, referenceName, n, tokens, referenceTokens, signed.Average(), absolute.Average(),
                n % 2 == 1 ? absolute[n / 2] : (absolute[(n / 2) - 1] + absolute[n / 2]) / 2,
                absolute[Math.Max(0, (int)Math.Ceiling(0.95 * n) - 1)], absolute[^1], (double)absolute.Count(e => e <= 0.10) / n);
    }
}
