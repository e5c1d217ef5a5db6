using Lodestar.Dense;
using Lodestar.Dense.Native;

namespace Lodestar.Tests;

/// <summary>
/// The batched int8 search's two ways of sharing the scan among threads (by query from
/// <see cref="VectorIndex.QueriesPerThreadToSplit"/> queries per thread, else by row) give the same rows and
/// bit-identical scores as each other, as one query at a time and on both kernels, call after call and shape after
/// shape; and the candidate buffer's 64-bit slot keys order exactly like the kept order.
/// </summary>
public sealed class Int8SplitTests
{
    [Fact]
    public void Slot_keys_order_like_higher_score_then_lower_row()
    {
        float[] scores =
        [
            float.NegativeInfinity, -float.MaxValue, -1.5f, -float.Epsilon, -0f, 0f, float.Epsilon, 1e-30f, 0.25f, 1.5f, float.MaxValue,
            float.PositiveInfinity,
        ];
        int[] rows = [0, 1, 2, 1_000_000, int.MaxValue];
        foreach (float a in scores)
        {
            foreach (int ra in rows)
            {
                ulong key = TopBuffer.Key(a, ra);
                Assert.Equal(ra, TopBuffer.RowOf(key));
                Assert.Equal(a == 0 ? 0 : BitConverter.SingleToInt32Bits(a), BitConverter.SingleToInt32Bits(TopBuffer.ScoreOf(key)));
                foreach (float b in scores)
                {
                    foreach (int rb in rows)
                    {
                        bool better = a > b || (a == b && ra < rb); // −0 == +0: a tie, decided by the row
                        Assert.True(better == (key > TopBuffer.Key(b, rb)), $"({a}, {ra}) against ({b}, {rb})");
                    }
                }
            }
        }
    }

    [Fact]
    public void A_selection_over_equal_keys_ends_and_keeps_the_best()
    {
        // the scans offer each row once per query, so keys are distinct; repeated ones must still not stall the selection
        using var buffer = new TopBuffer(1, 20, slack: 2);
        for (int i = 0; i < 200; i++)
        {
            int row = i % 3 == 0 ? 7 : i;
            float score = i % 3 == 0 ? 0.5f : -1f;
            if (score > buffer.Threshold(0))
            {
                buffer.Offer(0, row, score);
            }
        }

        (int Row, float Score)[] kept = buffer.Items(0);
        Assert.Equal(20, kept.Length);
        Assert.All(kept, x => Assert.Equal((7, 0.5f), x));
        Assert.Equal(0.5f, buffer.Threshold(0));
    }

    [Theory]
    [InlineData(65, 2)]
    [InlineData(384, 2)]
    [InlineData(100, 3)]
    public void By_query_and_by_row_give_one_query_at_a_times_results_on_both_kernels(int d, int threads)
    {
        var random = new Random(d + threads);
        using var temp = new TempDir();
        string dir = temp.Path;
        string path = Path.Combine(dir, "v");
        float[][] docs = TestVectors.Unit(random, 4_096 * threads + 5, d); // enough rows for every thread
        int tie = docs.Length - 3;
        docs[tie] = docs[33]; // an exact tie: the lower row must win
        TestVectors.Write(path, docs, int8: true);

        using VectorIndex index = VectorIndex.Open(path);
        int many = (threads * VectorIndex.QueriesPerThreadToSplit) + 7, few = many - 8; // 7: not a multiple of either tile
        float[][] queries = [.. TestVectors.Unit(random, many - 2, d), new float[d], docs[33]]; // a zero query, the tie

        // the shares: by query in whole 4-query tiles over every row, or by row over every query
        VectorIndex.Part[] byQuery = index.Split(many, threads), byRow = index.Split(few, threads);
        Assert.All(byQuery, p => Assert.Equal((0, index.Count), (p.Start, p.End)));
        Assert.Equal(Enumerable.Range(0, many), byQuery.SelectMany(p => Enumerable.Range(p.First, p.Last - p.First)));
        Assert.All(byQuery[..^1], p => Assert.Equal(0, p.Last % Int8Kernel.QueryTile));
        Assert.All(byRow, p => Assert.Equal((0, few), (p.First, p.Last)));
        Assert.Equal(Enumerable.Range(0, index.Count), byRow.SelectMany(p => Enumerable.Range(p.Start, p.End - p.Start)));
        Assert.Equal([new VectorIndex.Part(0, index.Count, 0, few)], index.Split(few, 1));

        Int8BatchKernel? native = NativeInt8Kernel.Create(AppContext.BaseDirectory, choice: "auto").Kernel;
        (int Row, float Score)[][] expected = [.. queries.Select(q => index.Search(q, 10, Precision.Int8, rescore: 7, threads: threads))];
        foreach (Int8BatchKernel? kernel in native is null ? new Int8BatchKernel?[] { null } : [native, null])
        {
            // by query, twice (the second call reuses the candidate buffers), by row, then by query again
            Assert.Equal(expected, index.SearchManyInt8(queries, 10, 7, threads, kernel));
            Assert.Equal(expected, index.SearchManyInt8(queries, 10, 7, threads, kernel));
            Assert.Equal(expected[..few], index.SearchManyInt8(queries[..few], 10, 7, threads, kernel));
            Assert.Equal(expected[1..], index.SearchManyInt8(queries[1..], 10, 7, threads, kernel));
            Assert.Equal(expected, index.SearchManyInt8(queries, 10, 7, threads, kernel));
        }

        Assert.Equal(33, expected[^1][0].Row);
        Assert.Contains(expected[^1], h => h.Row == tie);
    }
}
