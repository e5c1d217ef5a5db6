using Lodestar.Index;

namespace Lodestar.Tests.Index;

public class PostingPoolTests
{
    /// <summary>The postings file's encoding of one term, built the plain way: varint (doc gap from −1, tf) pairs.</summary>
    private static byte[] Expected(List<(int Doc, int Tf)> postings)
    {
        byte[] bytes = new byte[16];
        int used = 0, last = -1;
        foreach ((int doc, int tf) in postings)
        {
            VarInt.Write(ref bytes, ref used, (ulong)(doc - last));
            VarInt.Write(ref bytes, ref used, (ulong)tf);
            last = doc;
        }

        return bytes[..used];
    }

    [Theory]
    [InlineData(PostingPool.MinBlockBits)]
    [InlineData(PostingPool.MaxBlockBits)]
    public void Add_ManyTermsInterleaved_EachTermReadsBackAsItsVarintPairs_AcrossRuns(int blockBits)
    {
        var rng = new Random(5);
        var pool = new PostingPool(blockBits);
        for (int run = 0; run < 3; run++)
        {
            // 3,000 terms; a few very frequent ones chain slices up to the largest level, most stay in their first slice
            var expected = new Dictionary<int, List<(int, int)>>();
            for (int doc = 0; doc < 4000; doc++)
            {
                foreach (int t in Enumerable.Range(0, 12).Select(_ => rng.Next(8) == 0 ? rng.Next(3000) : rng.Next(6)).Distinct().Order())
                {
                    int tf = rng.Next(10) == 0 ? 1 + rng.Next(100_000) : 1 + rng.Next(3); // multi-byte varints too
                    pool.Add(t, run * 1_000_000 + doc * 97, tf);
                    (expected.TryGetValue(t, out var list) ? list : expected[t] = []).Add((run * 1_000_000 + doc * 97, tf));
                }
            }

            Assert.Equal(0, pool.Df(2999_000));
            for (int t = 0; t < 3000; t++)
            {
                if (!expected.TryGetValue(t, out var list))
                {
                    Assert.Equal(0, pool.Df(t));
                    continue;
                }

                byte[] want = Expected(list);
                Assert.Equal(list.Count, pool.Df(t));
                Assert.Equal(want.Length, pool.Length(t));
                Assert.Equal(list[^1].Item1, pool.Last(t));
                byte[] got = new byte[pool.Length(t)];
                pool.CopyTo(t, got);
                Assert.Equal(want, got);
                var stream = new MemoryStream();
                pool.WriteTo(t, stream);
                Assert.Equal(want, stream.ToArray());
                // the merge re-encodes a part's first gap: First names it, and WriteTo skips its bytes
                Assert.Equal(list[0].Item1, pool.First(t));
                int skip = VarInt.Size((ulong)(list[0].Item1 + 1));
                var rest = new MemoryStream();
                pool.WriteTo(t, rest, skip);
                Assert.Equal(want[skip..], rest.ToArray());
            }

            long used = pool.UsedBytes;
            pool.Reset(); // the next run starts from −1 again and reuses the blocks
            Assert.Equal(0, pool.UsedBytes);
            Assert.True(used > 0);
        }
    }
}
