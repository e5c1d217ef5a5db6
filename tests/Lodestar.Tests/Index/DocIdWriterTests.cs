using System.Text;
using Lodestar.Errors;
using Lodestar.Index;

namespace Lodestar.Tests.Index;

public class DocIdWriterTests
{
    [Fact]
    public void Add_DistinctIdsWhoseHashesAllCollide_AreAccepted_AndADuplicateStillNamesBothLines()
    {
        using var dir = new TempDir();
        string[] ids = [.. Enumerable.Range(0, 300).Select(i => $"doc-{i}"), "é", "", "x"];
        using (var writer = new DocIdWriter(dir.Path, "corpus.jsonl", _ => 42))
        {
            for (int i = 0; i < ids.Length; i++)
            {
                writer.Add(Encoding.UTF8.GetBytes(ids[i]), 10 + (2 * i)); // lines 10, 12, ...: not the documents' numbers
            }

            var e = Assert.Throws<InputException>(() => writer.Add("doc-7"u8, 999));
            Assert.Equal("corpus.jsonl:999:1: expected unique document ids, found 'doc-7' again (first on line 24)", e.Message);
            e = Assert.Throws<InputException>(() => writer.Add("x"u8, 1000));
            Assert.Equal($"corpus.jsonl:1000:1: expected unique document ids, found 'x' again (first on line {10 + (2 * 302)})", e.Message);
            writer.Add("doc-300"u8, 1001); // still writable after the scans
            writer.Finish();
        }

        // docids.bin and docids.idx hold every accepted id in order, whatever the scans did to the file's position
        byte[] bin = File.ReadAllBytes(dir.File("docids.bin"));
        byte[] idx = File.ReadAllBytes(dir.File("docids.idx"));
        string[] all = [.. ids, "doc-300"];
        Assert.Equal((all.Length + 1) * 8, idx.Length);
        for (int i = 0; i < all.Length; i++)
        {
            int at = (int)BitConverter.ToInt64(idx, i * 8);
            int length = (int)VarInt.Read(bin, ref at);
            Assert.Equal(all[i], Encoding.UTF8.GetString(bin, at, length));
        }

        Assert.Equal(bin.Length, BitConverter.ToInt64(idx, all.Length * 8));
    }

    [Fact]
    public void Add_ManyIds_TheTableGrowsPastItsGuess_AndFindsTheDuplicate()
    {
        using var dir = new TempDir();
        using var writer = new DocIdWriter(dir.Path, "c.jsonl");
        writer.Expect(10);
        for (int i = 0; i < 20_000; i++)
        {
            writer.Add(Encoding.UTF8.GetBytes($"passage/{i}"), i + 1);
        }

        var e = Assert.Throws<InputException>(() => writer.Add("passage/12345"u8, 20_001));
        Assert.Equal("c.jsonl:20001:1: expected unique document ids, found 'passage/12345' again (first on line 12346)", e.Message);
        Assert.Equal(20_000, writer.Count);
    }
}
