namespace Lodestar.Eval.Preferences;

/// <summary>
/// trec_eval 10's preference measures over <see cref="PreferenceCounts"/>: counts of preferences possible and
/// fulfilled, their ratio over all groups (simp), averaged per group (avgjg), per document pair (pair), and avgjg
/// with non-relevant documents cut to as many as the relevant ones (avgjg_Rnonrel). Suffixes: <c>_ret</c> counts
/// only preferences between retrieved documents, <c>_imp</c> also those with one retrieved.
/// </summary>
internal static class PreferenceMeasures
{
    /// <summary>Which preferences a measure counts.</summary>
    public enum Scope
    {
        /// <summary>Every preference: retrieved, implied and not retrieved.</summary>
        All,

        /// <summary>Both documents retrieved.</summary>
        Retrieved,

        /// <summary>At least one document retrieved.</summary>
        Implied,
    }

    /// <summary>Preferences possible in <paramref name="scope"/>, summed over groups.</summary>
    public static long Possible(PreferenceCounts p, Scope scope) => p.Groups.Sum(g => Possible(g, scope));

    /// <summary>Preferences fulfilled in <paramref name="scope"/>, summed over groups.</summary>
    public static long Fulfilled(PreferenceCounts p, Scope scope) => p.Groups.Sum(g => Fulfilled(g, scope));

    /// <summary>prefs_simp: fulfilled / possible over all groups together (0 when nothing is possible).</summary>
    public static double Simple(PreferenceCounts p, Scope scope)
    {
        long possible = Possible(p, scope);
        return possible == 0 ? 0 : (double)Fulfilled(p, scope) / possible;
    }

    /// <summary>prefs_avgjg: fulfilled / possible per group, averaged over groups.</summary>
    public static double AverageOverGroups(PreferenceCounts p, Scope scope)
    {
        double sum = 0;
        foreach (JudgmentGroup g in p.Groups)
        {
            long possible = Possible(g, scope);
            if (possible != 0)
            {
                sum += (double)Fulfilled(g, scope) / possible;
            }
        }

        return sum > 0 ? sum / p.Groups.Count : 0;
    }

    /// <summary>prefs_pair: for each document pair with a preference either way, the share of groups preferring
    /// the better-ranked one, averaged over pairs.</summary>
    public static double Pair(PreferenceCounts p, Scope scope)
    {
        int r = p.JudgedRetrieved;
        int n = p.Judged;
        double sum = 0;
        long count = 0;
        void Add(int a, int b, bool scored)
        {
            int ab = p.Pairs[a, b];
            int ba = p.Pairs[b, a];
            if (ab != 0 || ba != 0)
            {
                count++;
                if (scored)
                {
                    sum += (double)ab / (ab + ba);
                }
            }
        }

        for (int a = 0; a < r; a++)
        {
            for (int b = a + 1; b < r; b++)
            {
                Add(a, b, true);
            }
        }

        if (scope != Scope.Retrieved)
        {
            for (int a = 0; a < r; a++)
            {
                for (int b = r; b < n; b++)
                {
                    Add(a, b, true);
                }
            }
        }

        if (scope == Scope.All)
        {
            for (int a = r; a < n; a++)
            {
                for (int b = a + 1; b < n; b++)
                {
                    Add(a, b, false);
                }
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    /// <summary>prefs_avgjg_Rnonrel (<paramref name="retrievedOnly"/> false) and its _ret form: per group, only as
    /// many non-relevant documents as relevant ones count; when there are fewer, each relevant document is credited
    /// with the missing ones.</summary>
    public static double AverageRNonRelevant(PreferenceCounts p, bool retrievedOnly)
    {
        double sum = 0;
        foreach (JudgmentGroup g in p.Groups)
        {
            long rel = retrievedOnly ? g.RelevantRetrieved : g.Relevant;
            long nonrel = retrievedOnly ? g.NonRelevantRetrieved : g.NonRelevant;
            long fulfilled;
            long possible;
            if (rel >= nonrel)
            {
                Scope scope = retrievedOnly ? Scope.Retrieved : Scope.All;
                fulfilled = Fulfilled(g, scope) + (g.RelevantRetrieved * (rel - nonrel));
                possible = Possible(g, scope) + (g.Relevant * (rel - nonrel));
            }
            else
            {
                (fulfilled, possible) = g.Classes is not null
                    ? RecountClasses(g, p.JudgedRetrieved, retrievedOnly)
                    : RecountMatrix(g, p.JudgedRetrieved, p.Judged, retrievedOnly);
            }

            sum += (double)fulfilled / possible;
        }

        return sum > 0 ? sum / p.Groups.Count : 0;
    }

    private static long Possible(JudgmentGroup g, Scope scope) => scope switch
    {
        Scope.Retrieved => g.PossibleRetrieved,
        Scope.Implied => g.PossibleRetrieved + g.PossibleImplied,
        _ => g.PossibleRetrieved + g.PossibleImplied + g.PossibleNotRetrieved,
    };

    private static long Fulfilled(JudgmentGroup g, Scope scope) => scope == Scope.Retrieved
        ? g.FulfilledRetrieved
        : g.FulfilledRetrieved + g.FulfilledImplied;

    // Class form: the last class is taken to be the non-relevant one, cut to its first R documents (R = relevant,
    // or relevant retrieved). As trec_eval does, pairs among the earlier classes skip the last, and every class,
    // the last included, is paired with the cut last class.
    private static (long Fulfilled, long Possible) RecountClasses(JudgmentGroup g, int judgedRetrieved, bool retrievedOnly)
    {
        int[][] classes = g.Classes!;
        int[] last = classes[^1];
        int keep = (int)Math.Min(last.Length, retrievedOnly ? g.RelevantRetrieved : g.Relevant);
        int[] cutLast = last[..keep];
        long fulfilled = 0;
        long notFulfilled = 0;
        void Pairs(int[] better, int[] worse)
        {
            foreach (int a in better)
            {
                if (retrievedOnly && a >= judgedRetrieved)
                {
                    break;
                }

                foreach (int b in worse)
                {
                    if (retrievedOnly && b >= judgedRetrieved)
                    {
                        break;
                    }

                    if (a < b && a < judgedRetrieved)
                    {
                        fulfilled++;
                    }
                    else
                    {
                        notFulfilled++;
                    }
                }
            }
        }

        for (int c1 = 0; c1 < classes.Length; c1++)
        {
            for (int c2 = c1 + 1; c2 < classes.Length - 1; c2++)
            {
                Pairs(classes[c1], classes[c2]);
            }
        }

        for (int c1 = 0; c1 < classes.Length; c1++)
        {
            Pairs(classes[c1], cutLast);
        }

        return (fulfilled, notFulfilled + fulfilled);
    }

    // Matrix form: non-relevant documents after the (R+1)-th one (in judged-rank order) are left out.
    private static (long Fulfilled, long Possible) RecountMatrix(JudgmentGroup g, int judgedRetrieved, int judged, bool retrievedOnly)
    {
        double[] levels = g.Levels!;
        bool[,] prefers = g.Prefers!;
        int limit = retrievedOnly ? judgedRetrieved : judged;
        int firstDropped = 0;
        long seen = 0;
        for (; firstDropped < limit; firstDropped++)
        {
            if (levels[firstDropped] == 0 && ++seen == g.Relevant + 1)
            {
                break;
            }
        }

        bool Dropped(int d) => d >= firstDropped && levels[d] == 0;
        long fulfilled = 0;
        long possible = 0;
        for (int a = 0; a < limit; a++)
        {
            if (Dropped(a))
            {
                continue;
            }

            for (int b = 0; b < limit; b++)
            {
                if (b == a || Dropped(b) || !prefers[a, b])
                {
                    continue;
                }

                // Fulfilled: a ranked above b with a retrieved; otherwise only possible.
                if (a < b && a < judgedRetrieved)
                {
                    fulfilled++;
                }
                else
                {
                    possible++;
                }
            }
        }

        return (fulfilled, possible + fulfilled);
    }
}
