namespace Lodestar.Eval;

/// <summary>
/// Per-topic formulas of trec_eval 10 (Buckley and Voorhees; trec_eval's <c>m_*.c</c>), written against a
/// <see cref="JudgedRanking"/>. Ranks are 0-based here: rank index i is position i + 1.
/// </summary>
internal static class MeasureMath
{
    /// <summary>trec_eval's MIN_GEO_MEAN: the floor under values before their logarithm.</summary>
    public const double MinGeoMean = 0.00001;

    private const double InfApEpsilon = 0.00001;

    /// <summary>ln(max(v, 0.00001)): per-topic value of a geometric-mean measure.</summary>
    public static double GeoLog(double v) => Math.Log(Math.Max(v, MinGeoMean));

    /// <summary>AP@k = (1/R) Σ_{relevant i &lt; k} (relevant in first i+1)/(i+1); k = ∞ gives MAP's AP.</summary>
    public static double AveragePrecision(JudgedRanking r, int k)
    {
        if (r.NumRel == 0)
        {
            return 0;
        }

        double sum = 0;
        int rel = 0;
        for (int i = 0; i < Math.Min(k, r.NumRet); i++)
        {
            if (r.IsRelevant(i))
            {
                rel++;
                sum += (double)rel / (i + 1);
            }
        }

        return sum / r.NumRel;
    }

    /// <summary>R-precision: relevant in the first min(R, |ret|) ranks, divided by R.</summary>
    public static double RPrecision(JudgedRanking r)
    {
        int look = Math.Min(r.NumRet, r.NumRel);
        return look == 0 ? 0 : (double)r.RelevantIn(look) / r.NumRel;
    }

    /// <summary>Precision at ⌊x·R + 0.9⌋ documents (trec_eval's Rprec_mult).</summary>
    public static double RPrecisionMultiple(JudgedRanking r, double multiple)
    {
        long cutoff = (long)((multiple * r.NumRel) + 0.9);
        if (cutoff == 0)
        {
            return 0;
        }

        return cutoff > r.NumRet ? (double)r.NumRelRet / cutoff : (double)r.RelevantIn((int)cutoff) / cutoff;
    }

    /// <summary>1 / rank of the first relevant document, or 0.</summary>
    public static double ReciprocalRank(JudgedRanking r)
    {
        for (int i = 0; i < r.NumRet; i++)
        {
            if (r.IsRelevant(i))
            {
                return 1.0 / (i + 1);
            }
        }

        return 0;
    }

    /// <summary>bpref = (1/R) Σ_{judged relevant} 1 − min(n_before, R)/min(N, R), N = judged non-relevant.</summary>
    public static double Bpref(JudgedRanking r)
    {
        long numNonrel = 0;
        for (int g = 0; g < Math.Min(r.RelevanceLevel, r.GradeCounts.Length); g++)
        {
            numNonrel += r.GradeCounts[g];
        }

        double bpref = 0;
        long nonrelSoFar = 0;
        foreach (int g in r.Grades)
        {
            if (g < 0)
            {
                continue; // not judged, or judged with a negative grade: skipped
            }

            if (g < r.RelevanceLevel)
            {
                nonrelSoFar++;
            }
            else
            {
                bpref += nonrelSoFar > 0 ? 1.0 - ((double)Math.Min(nonrelSoFar, r.NumRel) / Math.Min(numNonrel, r.NumRel)) : 1.0;
            }
        }

        return r.NumRel == 0 ? bpref : bpref / r.NumRel;
    }

    /// <summary>infAP (Yilmaz and Aslam, CIKM 2006) as trec_eval computes it; equals AP when every retrieved
    /// document is judged.</summary>
    public static double InferredAp(JudgedRanking r)
    {
        long nonrel = 0;
        long rel = 0;
        long unjudgedInPool = 0;
        double infAp = 0;
        for (int j = 0; j < r.NumRet; j++)
        {
            int g = r.Grades[j];
            if (g == JudgedRanking.NotJudged)
            {
                continue;
            }

            if (g == JudgedRanking.Unjudged)
            {
                unjudgedInPool++;
                continue;
            }

            if (g < r.RelevanceLevel)
            {
                nonrel++;
                continue;
            }

            rel++;
            if (j == 0)
            {
                infAp += 1.0;
            }
            else
            {
                double fj = j;
                infAp += (1.0 / (fj + 1.0)) + ((fj / (fj + 1.0))
                    * ((rel - 1 + nonrel + unjudgedInPool) / fj)
                    * ((rel - 1 + InfApEpsilon) / (rel - 1 + nonrel + (2 * InfApEpsilon))));
            }
        }

        return r.NumRel == 0 ? infAp : infAp / r.NumRel;
    }

    /// <summary>Interpolated precision at a recall level: the best precision at any rank reaching
    /// round(level·R) relevant documents (0 when the run never reaches it).</summary>
    /// <remarks>trec_eval walks the ranking up from the bottom for each level; the best precision from each relevant
    /// document's rank down is the same for every level, so it is found once per ranking
    /// (<see cref="JudgedRanking.PrecisionEnvelope"/>): the same maxima of the same quotients.</remarks>
    public static double InterpolatedPrecision(JudgedRanking r, double level)
    {
        long cutoff = (long)Math.Round(level * r.NumRel, MidpointRounding.AwayFromZero);
        if (cutoff > r.NumRelRet || r.NumRet == 0 || r.NumRelRet == 0)
        {
            return 0;
        }

        return r.PrecisionEnvelope()[Math.Max(cutoff, 1)];
    }

    /// <summary>set_F: (β + 1)·P·R / (β·P + R) on the retrieved set (van Rijsbergen's F), 0 with nothing relevant
    /// retrieved.</summary>
    public static double SetF(JudgedRanking r, double beta)
    {
        if (r.NumRelRet == 0)
        {
            return 0;
        }

        double p = (double)r.NumRelRet / r.NumRet;
        double rec = (double)r.NumRelRet / r.NumRel;
        return (beta + 1.0) * p * rec / ((beta * p) + rec);
    }

    /// <summary>utility = a·relret + b·(ret − relret) + c·(rel − relret) + d·(N + relret − ret − rel), with N = 0
    /// (trec_eval's default for <c>-N</c>).</summary>
    /// <exception cref="ArgumentException">Not exactly four coefficients.</exception>
    public static double Utility(JudgedRanking r, double[] c)
    {
        if (c.Length != 4)
        {
            throw new ArgumentException($"measure 'utility' takes 4 coefficients (a,b,c,d), found {c.Length}");
        }

        return (c[0] * r.NumRelRet) + (c[1] * (r.NumRet - r.NumRelRet)) + (c[2] * (r.NumRel - r.NumRelRet))
            + (c[3] * (0 + r.NumRelRet - r.NumRet - r.NumRel));
    }

    /// <summary>11pt_avg: interpolated precision averaged over the given recall levels, each turned into a number of
    /// relevant documents by rounding (trec_eval 10), walking the ranking from the bottom.</summary>
    public static double ElevenPointAverage(JudgedRanking r, double[] levels)
    {
        if (r.NumRet == 0)
        {
            return 0;
        }

        Span<long> cutoffs = levels.Length <= 64 ? stackalloc long[levels.Length] : new long[levels.Length];
        for (int l = 0; l < levels.Length; l++)
        {
            cutoffs[l] = (long)Math.Round(levels[l] * r.NumRel, MidpointRounding.AwayFromZero);
        }

        int cut = cutoffs.Length - 1;
        while (cut >= 0 && cutoffs[cut] > r.NumRelRet)
        {
            cut--;
        }

        double interpolated = (double)r.NumRelRet / r.NumRet;
        double sum = 0;
        long relSoFar = r.NumRelRet;
        for (int i = r.NumRet; i > 0 && relSoFar > 0; i--)
        {
            interpolated = Math.Max(interpolated, (double)relSoFar / i);
            if (r.IsRelevant(i - 1))
            {
                while (cut >= 0 && relSoFar == cutoffs[cut])
                {
                    sum += interpolated;
                    cut--;
                }

                relSoFar--;
            }
        }

        for (; cut >= 0; cut--)
        {
            sum += interpolated;
        }

        return sum / levels.Length;
    }

    /// <summary>Retrieved documents judged non-relevant (grade 0 up to the relevance level).</summary>
    public static int NonRelevantJudgedRetrieved(JudgedRanking r)
    {
        int count = 0;
        foreach (int g in r.Grades)
        {
            if (g >= 0 && g < r.RelevanceLevel)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Documents in the first <paramref name="k"/> ranks that have no judgment.</summary>
    public static int UnjudgedIn(JudgedRanking r, int k)
    {
        int count = 0;
        for (int i = 0; i < Math.Min(k, r.NumRet); i++)
        {
            if (r.Grades[i] < 0)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>ir_measures' Judged@k: the share of the first min(k, |ret|) ranks whose document is in the qrels
    /// (with any grade), 0 for an empty ranking.</summary>
    public static double JudgedAt(JudgedRanking r, int k)
    {
        int n = Math.Min(k, r.NumRet);
        int judged = 0;
        for (int i = 0; i < n; i++)
        {
            if (r.Grades[i] != JudgedRanking.NotJudged)
            {
                judged++;
            }
        }

        return n == 0 ? 0 : (double)judged / n;
    }

    /// <summary>RBP's residual: what unjudged documents and the unseen tail could add, p^|ret| + (1 − p) Σ_unjudged p^i.</summary>
    public static double RbpResidual(JudgedRanking r, double p)
    {
        double sum = 0;
        double cur = 1;
        int unjudged = 0;
        for (int i = 0; i < r.NumRet; i++)
        {
            if (r.Grades[i] < 0)
            {
                unjudged++;
                sum += cur;
            }

            cur *= p;
        }

        return unjudged == 0 ? 0 : cur + ((1 - p) * sum);
    }
}
