using Lodestar.Errors;
using Lodestar.Model;

namespace Lodestar.Eval.Preferences;

/// <summary>
/// A topic's preference judgments set against a ranking, as trec_eval 10's preference measures see them: judged
/// ranks, one <see cref="JudgmentGroup"/> per group, and how often each ordered pair of documents is preferred
/// across groups.
/// </summary>
/// <remarks>Hits are ranked by score (double) descending, ties by id ascending as written, and cut at M; retrieved
/// documents that no line judges are dropped.</remarks>
public sealed class PreferenceCounts
{
    private PreferenceCounts(int judgedRetrieved, int judged, JudgmentGroup[] groups, int[,] pairs)
    {
        JudgedRetrieved = judgedRetrieved;
        Judged = judged;
        Groups = groups;
        Pairs = pairs;
    }

    /// <summary>Judged documents the run retrieved.</summary>
    public int JudgedRetrieved { get; }

    /// <summary>Judged documents.</summary>
    public int Judged { get; }

    /// <summary>The judgment groups, in id order.</summary>
    public IReadOnlyList<JudgmentGroup> Groups { get; }

    /// <summary>Pairs[a, b]: in how many groups judged rank a is preferred to judged rank b.</summary>
    internal int[,] Pairs { get; }

    /// <summary>Sets <paramref name="judgments"/> of <paramref name="topic"/> against <paramref name="hits"/>.</summary>
    /// <exception cref="InputException">A group is inconsistent: a document at two levels of one sub-group, at level
    /// 0 and above, or a cycle of preferences.</exception>
    public static PreferenceCounts Compute(string topic, IReadOnlyList<Hit> hits, IReadOnlyList<PreferenceJudgment> judgments, int maxDocs)
    {
        var judgedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (PreferenceJudgment j in judgments)
        {
            judgedIds.Add(j.DocId);
        }

        (string Doc, double Score)[] ranked = [.. hits.Select(h => (h.DocId, h.Score))];
        Array.Sort(ranked, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : JudgedRanking.CompareAsWritten(a.Doc, b.Doc));
        var rankOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string doc, _) in ranked.Take(maxDocs))
        {
            if (judgedIds.Contains(doc))
            {
                rankOf.Add(doc, rankOf.Count);
            }
        }

        int judgedRetrieved = rankOf.Count;
        foreach (string doc in judgedIds.Where(d => !rankOf.ContainsKey(d)).Order(Comparer<string>.Create(JudgedRanking.CompareAsWritten)))
        {
            rankOf.Add(doc, rankOf.Count);
        }

        int judged = rankOf.Count;
        var lines = judgments.Select(j => (j.Group, j.SubGroup, j.Level, Rank: rankOf[j.DocId], j.DocId)).ToArray();
        Array.Sort(lines, static (a, b) =>
        {
            int c = JudgedRanking.CompareAsWritten(a.Group, b.Group);
            c = c != 0 ? c : JudgedRanking.CompareAsWritten(a.SubGroup, b.SubGroup);
            c = c != 0 ? c : b.Level.CompareTo(a.Level);
            return c != 0 ? c : a.Rank.CompareTo(b.Rank);
        });

        int[,] pairs = new int[judged, judged];
        var groups = new List<JudgmentGroup>();
        for (int start = 0; start < lines.Length;)
        {
            int end = start;
            int subGroups = 0;
            while (end < lines.Length && lines[end].Group == lines[start].Group)
            {
                if (end == start || lines[end].SubGroup != lines[end - 1].SubGroup)
                {
                    subGroups++;
                }

                end++;
            }

            var part = lines.AsSpan(start, end - start);
            groups.Add(subGroups > 1
                ? MatrixGroup(topic, part, judged, judgedRetrieved, pairs)
                : ClassGroup(topic, part, judgedRetrieved, pairs));
            start = end;
        }

        return new PreferenceCounts(judgedRetrieved, judged, [.. groups], pairs);
    }

    private static JudgmentGroup ClassGroup(string topic, ReadOnlySpan<(string Group, string SubGroup, double Level, int Rank, string DocId)> lines, int judgedRetrieved, int[,] pairs)
    {
        var classes = new List<int[]>();
        var levels = new List<double>();
        for (int i = 0; i < lines.Length;)
        {
            int j = i;
            while (j < lines.Length && lines[j].Level == lines[i].Level)
            {
                j++;
            }

            var ranks = new int[j - i];
            for (int k = i; k < j; k++)
            {
                ranks[k - i] = lines[k].Rank;
            }

            classes.Add(ranks);
            levels.Add(lines[i].Level);
            i = j;
        }

        var g = new JudgmentGroup { Classes = [.. classes], ClassLevels = [.. levels] };
        for (int c1 = 0; c1 < classes.Count; c1++)
        {
            int retrieved = classes[c1].Count(r => r < judgedRetrieved);
            if (levels[c1] > 0)
            {
                g.RelevantRetrieved += retrieved;
                g.Relevant += classes[c1].Length;
            }
            else
            {
                g.NonRelevantRetrieved += retrieved;
                g.NonRelevant += classes[c1].Length;
            }

            for (int c2 = c1 + 1; c2 < classes.Count; c2++)
            {
                foreach (int better in classes[c1])
                {
                    foreach (int worse in classes[c2])
                    {
                        if (better == worse)
                        {
                            ThrowHelper.Input(topic, 0, 0, $"expected one level per document in a sub-group, found two levels for a document of group {ThrowHelper.Quote(lines[0].Group)}");
                        }

                        pairs[better, worse]++;
                        Count(g, better, worse, judgedRetrieved);
                    }
                }
            }
        }

        g.PossibleRetrieved += g.FulfilledRetrieved;
        g.PossibleImplied += g.FulfilledImplied;
        return g;
    }

    // One preference better > worse: which area it falls in, and whether the ranking fulfils it.
    private static void Count(JudgmentGroup g, int better, int worse, int judgedRetrieved)
    {
        if (better < worse)
        {
            if (worse < judgedRetrieved)
            {
                g.FulfilledRetrieved++;
            }
            else if (better < judgedRetrieved)
            {
                g.FulfilledImplied++;
            }
            else
            {
                g.PossibleNotRetrieved++;
            }
        }
        else if (better < judgedRetrieved)
        {
            g.PossibleRetrieved++;
        }
        else if (worse < judgedRetrieved)
        {
            g.PossibleImplied++;
        }
        else
        {
            g.PossibleNotRetrieved++;
        }
    }

    private static JudgmentGroup MatrixGroup(string topic, ReadOnlySpan<(string Group, string SubGroup, double Level, int Rank, string DocId)> lines, int judged, int judgedRetrieved, int[,] pairs)
    {
        bool[,] prefers = new bool[judged, judged];
        double[] levels = new double[judged];
        Array.Fill(levels, -1.0);
        for (int i = 0; i < lines.Length; i++)
        {
            double known = levels[lines[i].Rank];
            if ((known > 0 && lines[i].Level == 0) || (known == 0 && lines[i].Level > 0))
            {
                ThrowHelper.Input(topic, 0, 0, $"expected document {ThrowHelper.Quote(lines[i].DocId)} at level 0 or above 0 throughout group {ThrowHelper.Quote(lines[i].Group)}, found both");
            }

            levels[lines[i].Rank] = lines[i].Level;
            int j = i + 1;
            while (j < lines.Length && lines[j].SubGroup == lines[i].SubGroup && lines[j].Level == lines[i].Level)
            {
                j++;
            }

            for (; j < lines.Length && lines[j].SubGroup == lines[i].SubGroup; j++)
            {
                prefers[lines[i].Rank, lines[j].Rank] = true;
            }
        }

        // Transitive closure (Warshall); a pair preferred both ways is a contradiction within one group.
        for (int k = 0; k < judged; k++)
        {
            for (int a = 0; a < judged; a++)
            {
                if (prefers[a, k])
                {
                    for (int b = 0; b < judged; b++)
                    {
                        prefers[a, b] |= prefers[k, b];
                    }
                }
            }
        }

        for (int a = 0; a < judged; a++)
        {
            prefers[a, a] = false;
            for (int b = 0; b < a; b++)
            {
                if (prefers[a, b] && prefers[b, a])
                {
                    ThrowHelper.Input(topic, 0, 0, $"expected consistent preferences in group {ThrowHelper.Quote(lines[0].Group)}, found a cycle");
                }
            }
        }

        var g = new JudgmentGroup { Prefers = prefers, Levels = levels };
        for (int d = 0; d < judged; d++)
        {
            bool retrieved = d < judgedRetrieved;
            if (levels[d] > 0)
            {
                g.Relevant++;
                g.RelevantRetrieved += retrieved ? 1 : 0;
            }
            else if (levels[d] == 0)
            {
                g.NonRelevant++;
                g.NonRelevantRetrieved += retrieved ? 1 : 0;
            }
        }

        for (int a = 0; a < judged; a++)
        {
            for (int b = 0; b < judged; b++)
            {
                if (prefers[a, b])
                {
                    pairs[a, b]++;
                    Count(g, a, b, judgedRetrieved);
                }
            }
        }

        g.PossibleRetrieved += g.FulfilledRetrieved;
        g.PossibleImplied += g.FulfilledImplied;
        return g;
    }
}
