namespace Lodestar.Eval;

/// <summary>
/// The graded-gain measures of trec_eval 10 (gain = grade, trec_eval's default gains): nDCG (Järvelin and
/// Kekäläinen, TOIS 2002), its trec_eval variants ndcg_rel and Rndcg, the experimental G and binG, and RBP.
/// </summary>
internal static class GainMeasures
{
    // log2(i + 2), the discount of rank index i, for the first 1,024 ranks: every measure of every topic reads the
    // same few hundred values, and a table holds the very doubles Math.Log2 returns.
    private static readonly double[] s_rankLog2 = RankLog2Table(1024);

    private static double[] RankLog2Table(int n)
    {
        double[] table = new double[n];
        for (int i = 0; i < n; i++)
        {
            table[i] = Math.Log2(i + 2);
        }

        return table;
    }

    /// <summary>log2(i + 2): the DCG discount of rank index <paramref name="i"/> (rank i + 1).</summary>
    private static double RankLog2(int i) => (uint)i < (uint)s_rankLog2.Length ? s_rankLog2[i] : Math.Log2(i + 2);

    /// <summary>nDCG@k with gain = grade and discount log2(rank + 1); ideal from every judged document.</summary>
    public static double Ndcg(JudgedRanking r, int k, GainMap map)
    {
        (double dcg, double ideal) = Dcg(r, k, map);
        return ideal > 0 ? dcg / ideal : 0;
    }

    /// <summary>DCG@k of the run and of the ideal ranking.</summary>
    public static (double Dcg, double Ideal) Dcg(JudgedRanking r, int k, GainMap map)
    {
        double dcg = 0;
        for (int i = 0; i < Math.Min(k, r.NumRet); i++)
        {
            double gain = map.Gain(r.Grades[i]);
            if (gain != 0)
            {
                dcg += gain / RankLog2(i);
            }
        }

        double ideal = 0;
        int n = 0;
        foreach (double gain in map.IdealGainArray(r))
        {
            if (n >= k)
            {
                break;
            }

            ideal += gain / RankLog2(n);
            n++;
        }

        return (dcg, ideal);
    }

    /// <summary>binG: mean over relevant documents of 1/log2(2 + non-relevant retrieved before it).</summary>
    public static double BinaryG(JudgedRanking r)
    {
        double sum = 0;
        int rel = 0;
        for (int i = 0; i < r.NumRet; i++)
        {
            if (r.IsRelevant(i))
            {
                rel++;
                sum += 1.0 / Math.Log2(3 + i - rel);
            }
        }

        return rel == 0 ? 0 : sum / r.NumRel;
    }

    /// <summary>trec_eval's experimental G: gain / log2(2 + ideal cost so far − gain so far), normalised.</summary>
    public static double G(JudgedRanking r, GainMap map)
    {
        double[] ideal = map.IdealGainArray(r);
        double sumResults = 0;
        double sumCost = 0;
        double g = 0;
        for (int i = 0; i < r.NumRet; i++)
        {
            double gain = map.Gain(r.Grades[i]);
            double idealGain = i < ideal.Length ? ideal[i] : 0;
            sumResults += gain;
            sumCost += Math.Max(idealGain, 1.0);
            if (gain != 0)
            {
                g += gain / Math.Log2(2 + sumCost - sumResults);
            }
        }

        double sumIdeal = ideal.Sum();
        return sumIdeal > 0 ? g / sumIdeal : 0;
    }

    /// <summary>ndcg_rel: nDCG averaged over the ranks of the relevant documents (missing ones at the end).</summary>
    public static double NdcgRel(JudgedRanking r, GainMap map)
    {
        double[] ideal = map.IdealGainArray(r);
        double dcg = 0;
        double idcg = 0;
        double sum = 0;
        int relRet = 0;
        for (int i = 0; i < r.NumRet; i++)
        {
            double gain = map.Gain(r.Grades[i]);
            dcg += gain / RankLog2(i);
            if (i < ideal.Length)
            {
                idcg += ideal[i] / RankLog2(i);
            }

            if (gain > 0)
            {
                sum += dcg / idcg;
                relRet++;
            }
        }

        for (int i = r.NumRet; i < ideal.Length; i++)
        {
            idcg += ideal[i] / RankLog2(i);
        }

        if (ideal.Length == 0)
        {
            return 0;
        }

        sum += (ideal.Length - relRet) * dcg / idcg;
        return sum > 0 ? sum / ideal.Length : 0;
    }

    /// <summary>Rndcg: nDCG averaged at each rank where the ideal gain changes level, and at |ret|.</summary>
    public static double RNdcg(JudgedRanking r, GainMap map)
    {
        if (r.NumRel == 0)
        {
            return 0;
        }

        double[] ideal = map.IdealGainArray(r);
        double Ideal(int i) => i < ideal.Length ? ideal[i] : 0;
        double dcg = 0;
        double idcg = 0;
        double sum = 0;
        int points = 0;
        double idealGain = Ideal(0);
        double oldIdealGain = idealGain;
        int i = 0;

        // nDCG at this rank becomes one of the averaged points (when the ideal DCG is positive).
        void AddPoint()
        {
            if (idcg > 0)
            {
                sum += dcg / idcg;
                points++;
            }
        }

        for (; i < r.NumRet && idealGain > 0; i++)
        {
            double gain = map.Gain(r.Grades[i]);
            idealGain = Ideal(i);
            if (oldIdealGain != idealGain)
            {
                AddPoint();
                oldIdealGain = idealGain;
            }

            dcg += gain / RankLog2(i);
            if (idealGain > 0)
            {
                idcg += idealGain / RankLog2(i);
            }
        }

        if (i < r.NumRet)
        {
            for (; i < r.NumRet; i++)
            {
                dcg += map.Gain(r.Grades[i]) / RankLog2(i);
            }

            AddPoint();
        }

        while (idealGain > 0)
        {
            idealGain = Ideal(i);
            if (oldIdealGain != idealGain)
            {
                AddPoint();
                oldIdealGain = idealGain;
            }

            if (idealGain > 0)
            {
                idcg += idealGain / RankLog2(i);
            }

            i++;
        }

        return points == 0 ? 0 : sum / points;
    }

    /// <summary>Rank-biased precision (Moffat and Zobel, TOIS 2008): (1 − p) Σ gain_i p^i, gains scaled into [0, 1].</summary>
    public static double Rbp(JudgedRanking r, double p)
    {
        double max = Math.Max(0, r.GradeCounts.Length - 1);
        double scale = max > 1 ? max : 1;
        double sum = 0;
        double cur = 1;
        for (int i = 0; i < r.NumRet; i++)
        {
            double gain = JudgedRanking.Gain(r.Grades[i]) / scale;
            sum += gain * cur;
            cur *= p;
        }

        return (1 - p) * sum;
    }
}
