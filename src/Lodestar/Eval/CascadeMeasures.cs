namespace Lodestar.Eval;

/// <summary>
/// Expected reciprocal rank (Chapelle, Metzler, Zhang and Grinspan, CIKM 2009): a user scans down the ranking and
/// stops at rank i with probability R_i = (2^g − 1) / 2^g_max, where g is the document's grade and g_max the
/// topic's highest judged grade; ERR@k = Σ_{i ≤ k} (1/i) R_i Π_{j &lt; i} (1 − R_j).
/// </summary>
internal static class CascadeMeasures
{
    /// <summary>ERR@k of the ranking.</summary>
    public static double Err(JudgedRanking r, int k)
    {
        double maxGain = Math.Pow(2, MaxGrade(r));
        double err = 0;
        double stillLooking = 1;
        for (int i = 0; i < Math.Min(k, r.NumRet); i++)
        {
            double stop = (Math.Pow(2, Math.Max(0, r.Grades[i])) - 1) / maxGain;
            err += stillLooking * stop / (i + 1);
            stillLooking *= 1 - stop;
        }

        return err;
    }

    /// <summary>nERR@k: ERR@k divided by the ERR@k of the ideal ranking of the judged documents (0 when nothing is
    /// relevant).</summary>
    public static double NormalizedErr(JudgedRanking r, int k)
    {
        double maxGain = Math.Pow(2, MaxGrade(r));
        double ideal = 0;
        double stillLooking = 1;
        int rank = 0;
        for (int g = r.GradeCounts.Length - 1; g > 0 && rank < k; g--)
        {
            double stop = (Math.Pow(2, g) - 1) / maxGain;
            for (long c = 0; c < r.GradeCounts[g] && rank < k; c++)
            {
                ideal += stillLooking * stop / (rank + 1);
                stillLooking *= 1 - stop;
                rank++;
            }
        }

        return ideal > 0 ? Err(r, k) / ideal : 0;
    }

    private static int MaxGrade(JudgedRanking r) => Math.Max(1, r.GradeCounts.Length - 1);
}
