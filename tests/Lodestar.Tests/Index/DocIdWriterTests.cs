using System.Text;
using Lodestar.Errors;
using Lodestar.Index;

namespace Lodestar.Tests.Index;

public class DocIdWriterTests
{
    [Fact]
    public void DistinctIdsWhoseHashesAllCollide_AreAccepted_AndADuplicateStillNamesBothLines()
    {
        using var dir = new TempDir();
        string[] ids = [.. Enumerable.Range(0, 300).Select(i => $"doc-{i}"), "é", "", "x"];
        using (var writer = new DocIdWriter(dir.Path, "corpus.jsonl", runEntries: 64, hash: _ => 42))
        {
            for (int i = 0; i < ids.Length; i++)
            {
                writer.Add(Encoding.UTF8.GetBytes(ids[i]), 10 + (2 * i)); // lines 10, 12, ...: not the documents' numbers
            }

            writer.Finish();
            writer.ThrowIfDuplicates(); // 303 equal hashes over five runs, all distinct ids: accepted
            Assert.Equal(5, writer.HashRuns);
        }

        // docids.bin and docids.idx hold every id in order
        byte[] bin = File.ReadAllBytes(dir.File("docids.bin"));
        byte[] idx = File.ReadAllBytes(dir.File("docids.idx"));
        Assert.Equal((ids.Length + 1) * 8, idx.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            int at = (int)BitConverter.ToInt64(idx, i * 8);
            int length = (int)VarInt.Read(bin, ref at);
            Assert.Equal(ids[i], Encoding.UTF8.GetString(bin, at, length));
        }

        Assert.Equal(bin.Length, BitConverter.ToInt64(idx, ids.Length * 8));
        Assert.False(File.Exists(dir.File("id-hashes.tmp"))); // the runs' file is removed

        // with every hash equal, duplicates are still told from collisions: the first repeated id in line order wins
        using var again = new DocIdWriter(dir.Path, "corpus.jsonl", runEntries: 64, hash: _ => 42);
        foreach ((string id, long line) in new[] { ("a", 1L), ("b", 2L), ("x", 3L), ("c", 4L), ("b", 5L), ("x", 6L), ("a", 7L), ("b", 8L) })
        {
            again.Add(Encoding.UTF8.GetBytes(id), line);
        }

        again.Finish();
        var e = Assert.Throws<InputException>(again.ThrowIfDuplicates);
        Assert.Equal("corpus.jsonl:5:1: expected unique document ids, found 'b' again (first on line 2)", e.Message);
    }

    [Theory]
    [InlineData(1 << 16)] // one run, still in the buffer at the end
    [InlineData(1000)] // 21 runs: the first and the second 'passage/12345' lie in different runs
    [InlineData(7)]
    public void ManyIds_TheDuplicateIsFoundAcrossSortedRuns_NamingBothLines(int runEntries)
    {
        using var dir = new TempDir();
        using var writer = new DocIdWriter(dir.Path, "c.jsonl", runEntries: runEntries);
        for (int i = 0; i < 20_000; i++)
        {
            writer.Add(Encoding.UTF8.GetBytes($"passage/{i}"), i + 1);
        }

        writer.Add("passage/19999"u8, 20_001); // a later duplicate, after the one reported
        writer.Add("passage/12345"u8, 20_002);
        writer.Add("passage/12345"u8, 20_003);
        writer.Finish();
        Assert.Equal(20_003, writer.Count);
        var e = Assert.Throws<InputException>(writer.ThrowIfDuplicates);
        Assert.Equal("c.jsonl:20001:1: expected unique document ids, found 'passage/19999' again (first on line 20000)", e.Message);
        Assert.Equal(((20_003 - 1) / runEntries) + 1, writer.HashRuns);
    }

    [Fact]
    public void UniqueIds_ManyRuns_PassTheCheck()
    {
        using var dir = new TempDir();
        using var writer = new DocIdWriter(dir.Path, "c.jsonl", runEntries: 100);
        for (int i = 0; i < 5000; i++)
        {
            writer.Add(Encoding.UTF8.GetBytes($"{i % 71}/{i}"), i + 1);
        }

        writer.Finish();
        writer.ThrowIfDuplicates();
        Assert.Equal(50, writer.HashRuns);
    }
}
