using FsCheck;
using FsCheck.Fluent;
using Lodestar.Search;

namespace Lodestar.Tests.Search;

public class TopKTests
{
    /// <summary>The reference: every touched, non-excluded document sorted by score descending, id rank ascending.</summary>
    private static (int Doc, double Score)[] Reference(int[] touched, double[] scores, int k, int[] ranks, HashSet<int> excluded, bool asFloat) =>
        [.. touched.Where(d => !excluded.Contains(d))
            .Select(d => (Doc: d, Score: asFloat ? (float)scores[d] : scores[d]))
            .OrderByDescending(x => x.Score).ThenBy(x => ranks[x.Doc]).Take(k)];

    [Fact]
    public void Select_EqualsAFullSort_WithManyTiesAndExclusions()
    {
        Gen<(int N, int K, int Distinct, int Seed)> cases =
            from n in Gen.Choose(1, 400)
            from k in Gen.Choose(0, 60)
            from distinct in Gen.Choose(1, 8)
            from seed in Gen.Choose(0, int.MaxValue)
            select (n, k, distinct, seed);
        Prop.ForAll(cases.ToArbitrary(), c =>
            {
                (int n, int k, int distinct, int seed) = c;
                var rng = new Random(seed);
                var acc = new Accumulator(n);
                int[] ranks = [.. Enumerable.Range(0, n).OrderBy(_ => rng.Next())];
                int[] touched = [.. Enumerable.Range(0, n).Where(_ => rng.Next(4) > 0).OrderBy(_ => rng.Next())];
                foreach (int doc in touched)
                {
                    acc.Scores[doc] = 1 + rng.Next(distinct) + (rng.Next(3) == 0 ? 1e-9 : 0); // few distinct scores: ties
                    acc.Touched[acc.TouchedCount++] = doc;
                }

                var excluded = touched.Where(_ => rng.Next(10) == 0).ToHashSet();
                foreach (bool asFloat in new[] { false, true })
                {
                    var expected = Reference(touched, acc.Scores, k, ranks, excluded, asFloat);
                    // ids whose ordinal order is the rank order, so the reference's ThenBy(rank) is the id order
                    var actual = TopK.Select(acc, k, d => ranks[d].ToString("D6", System.Globalization.CultureInfo.InvariantCulture), excluded.Count == 0 ? null : excluded.Contains, asFloat)
                        .Select(x => (x.Doc, x.Score)).ToArray();
                    if (!expected.SequenceEqual(actual))
                    {
                        return false;
                    }
                }

                return true;
            }).QuickCheckThrowOnFailure();
    }
}
