namespace Lodestar.Eval;

/// <summary>Paired significance tests over per-topic values, and Holm–Bonferroni correction.</summary>
public static class Significance
{
    /// <summary>Two-sided paired Student t-test; p = 1 when all differences are equal.</summary>
    /// <remarks>t = mean(d) / (sd(d)/√n), n − 1 degrees of freedom; p = I_{ν/(ν+t²)}(ν/2, 1/2).</remarks>
    public static double PairedTTest(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        int n = a.Count;
        if (n < 2)
        {
            return 1;
        }

        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            mean += a[i] - b[i];
        }

        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++)
        {
            double d = a[i] - b[i] - mean;
            ss += d * d;
        }

        double sd = Math.Sqrt(ss / (n - 1));
        if (sd == 0)
        {
            return mean == 0 ? 1 : 0;
        }

        double t = mean / (sd / Math.Sqrt(n));
        double nu = n - 1;
        return RegularizedIncompleteBeta(nu / (nu + (t * t)), nu / 2, 0.5);
    }

    /// <summary>
    /// Two-sided paired randomization (Fisher) test: each permutation flips the sign of each topic's difference
    /// with probability 1/2; p = (1 + #{|mean*| ≥ |mean|}) / (1 + permutations).
    /// </summary>
    public static double RandomizationTest(IReadOnlyList<double> a, IReadOnlyList<double> b, int permutations = 100_000, int seed = 42)
    {
        int n = a.Count;
        double[] d = new double[n];
        double observed = 0;
        for (int i = 0; i < n; i++)
        {
            d[i] = a[i] - b[i];
            observed += d[i];
        }

        observed = Math.Abs(observed) - 1e-12;
        var rng = new Random(seed);
        int atLeast = 0;
        for (int p = 0; p < permutations; p++)
        {
            double sum = 0;
            int i = 0;
            while (i < n)
            {
                ulong bits = (ulong)rng.NextInt64();
                for (int bit = 0; bit < 63 && i < n; bit++, i++)
                {
                    sum += ((bits >> bit) & 1) == 0 ? d[i] : -d[i];
                }
            }

            if (Math.Abs(sum) >= observed)
            {
                atLeast++;
            }
        }

        return (atLeast + 1.0) / (permutations + 1.0);
    }

    /// <summary>Holm–Bonferroni step-down adjusted p-values, in the input order.</summary>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        int m = p.Count;
        int[] order = [.. Enumerable.Range(0, m).OrderBy(i => p[i])];
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            running = Math.Max(running, Math.Min(1, (m - rank) * p[order[rank]]));
            adjusted[order[rank]] = running;
        }

        return adjusted;
    }

    /// <summary>I_x(a, b) by Lentz's continued fraction (Numerical Recipes §6.4).</summary>
    internal static double RegularizedIncompleteBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double lnFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x));
        if (x > (a + 1) / (a + b + 2))
        {
            return 1 - RegularizedIncompleteBeta(1 - x, b, a);
        }

        const double tiny = 1e-300;
        double f = 1, c = 1, dd = 0;
        for (int i = 0; i <= 400; i++)
        {
            int m = i / 2;
            double numerator = i == 0 ? 1
                : i % 2 == 0 ? m * (b - m) * x / ((a + (2 * m) - 1) * (a + (2 * m)))
                : -((a + m) * (a + b + m) * x) / ((a + (2 * m)) * (a + (2 * m) + 1));
            dd = 1 + (numerator * dd);
            dd = Math.Abs(dd) < tiny ? tiny : dd;
            dd = 1 / dd;
            c = 1 + (numerator / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            double cd = c * dd;
            f *= cd;
            if (Math.Abs(1 - cd) < 1e-15)
            {
                break;
            }
        }

        return Math.Exp(lnFront) * (f - 1) / a;
    }

    /// <summary>ln Γ(x) by the Lanczos approximation (g = 7, n = 9).</summary>
    internal static double LogGamma(double x)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = c[0];
        for (int i = 1; i < 9; i++)
        {
            sum += c[i] / (x + i);
        }

        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
