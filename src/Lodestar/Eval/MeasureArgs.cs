namespace Lodestar.Eval;

/// <summary>The parameters one measure was given: a cutoff, a list of numbers, or name=value pairs.</summary>
/// <param name="Cutoff">The cutoff or level of a cutoff measure (P_10: 10).</param>
/// <param name="Values">The numbers of a parameter list (utility: 1,-1,0,0).</param>
/// <param name="Pairs">The name=value pairs (ndcg: 1=3,2=9; rbp: p=0.8).</param>
internal sealed record MeasureArgs(double Cutoff, double[] Values, (string Name, double Value)[] Pairs)
{
    /// <summary>No parameters.</summary>
    public static MeasureArgs None { get; } = new(0, [], []);

    /// <summary>The gain map of the pairs (nDCG family).</summary>
    public GainMap Gains { get; init; } = GainMap.Identity;

    /// <summary>The value of pair <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public double Pair(string name, double fallback)
    {
        foreach ((string n, double v) in Pairs)
        {
            if (n == name)
            {
                fallback = v;
            }
        }

        return fallback;
    }
}
