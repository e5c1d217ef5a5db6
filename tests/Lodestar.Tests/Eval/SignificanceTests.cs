using Lodestar.Eval;
using MathNet.Numerics.Distributions;

namespace Lodestar.Tests.Eval;

/// <summary>
/// The hand-written t distribution of <see cref="Significance"/> (incomplete beta by continued fraction, Lanczos
/// log-gamma) against a published table and against MathNet.Numerics 5.0 (docs/decisions/statistics.md).
/// </summary>
public sealed class SignificanceTests
{
    /// <summary>Two-sided p of a t statistic with ν degrees of freedom, as <see cref="Significance.PairedTTest"/> computes it.</summary>
    private static double TwoSidedP(double t, double nu) => Significance.RegularizedIncompleteBeta(nu / (nu + (t * t)), nu / 2, 0.5);

    // Critical values t(0.975, ν) and t(0.995, ν), as printed (3 decimals) in the NIST/SEMATECH e-Handbook of
    // Statistical Methods, table 1.3.6.7.2 "Critical values of the Student's t distribution".
    public static TheoryData<int, double, double> Table => new()
    {
        { 1, 12.706, 63.657 }, { 2, 4.303, 9.925 }, { 3, 3.182, 5.841 }, { 5, 2.571, 4.032 }, { 10, 2.228, 3.169 },
        { 20, 2.086, 2.845 }, { 30, 2.042, 2.750 }, { 50, 2.009, 2.678 }, { 100, 1.984, 2.626 },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Published_critical_values_give_p_of_005_and_001(int nu, double t05, double t01)
    {
        // The table rounds t to 3 decimals; the p of a t within half a unit of the last decimal brackets 0.05.
        Assert.InRange(0.05, TwoSidedP(t05 + 0.0005, nu), TwoSidedP(t05 - 0.0005, nu));
        Assert.InRange(0.01, TwoSidedP(t01 + 0.0005, nu), TwoSidedP(t01 - 0.0005, nu));
    }

    [Fact]
    public void The_hand_written_p_equals_MathNet_to_1e10_relative_over_the_range_evaluation_uses()
    {
        double worst = 0;
        foreach (double nu in new[] { 1.0, 2, 3, 4, 5, 7, 10, 19, 29, 49, 99, 102, 224, 1000, 10_000 })
        {
            for (double t = 0.01; t < 40; t *= 1.1)
            {
                double mine = TwoSidedP(t, nu);
                double oracle = 2 * StudentT.CDF(0, 1, nu, -t);
                if (oracle < 1e-300)
                {
                    continue;
                }

                worst = Math.Max(worst, Math.Abs(mine - oracle) / oracle);
            }
        }

        Assert.True(worst < 1e-10, $"largest relative difference {worst:E2}");
    }
}
