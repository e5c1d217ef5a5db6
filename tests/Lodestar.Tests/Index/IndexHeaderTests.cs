using System.Text;
using System.Text.Json;
using Lodestar.Errors;
using Lodestar.Index;
using Lodestar.Search;

namespace Lodestar.Tests.Index;

public class IndexHeaderTests
{
    private static string BuildIndex(TempDir dir)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            sb.Append($"{{\"_id\": \"d{i}\", \"text\": \"moths circle lamps {i % 13} at night {i * 7919 % 100}\"}}\n");
        }

        string index = dir.File("index");
        IndexWriter.Build(dir.Write("corpus.jsonl", sb.ToString()), index, new IndexBuildOptions());
        return index;
    }

    private static (string Json, string Line) Split(string index)
    {
        string text = File.ReadAllText(Path.Combine(index, IndexHeader.FileName));
        int cut = text.LastIndexOf('\n', text.Length - 2);
        return (text[..cut], text[cut..]);
    }

    private static void Rewrite(string index, string json, HeaderChecksum checksum) =>
        File.WriteAllText(Path.Combine(index, IndexHeader.FileName), json + ChecksummedJson.ChecksumLine(Encoding.UTF8.GetBytes(json), checksum) + "\n");

    [Fact]
    public void Header_EndsWithItsCrc32C_AndReadsBackAsTheSerializerReadsIt()
    {
        using var dir = new TempDir();
        string index = BuildIndex(dir);
        (string json, string line) = Split(index);
        Assert.Equal($"\ncrc32c {Crc32C.Compute(Encoding.UTF8.GetBytes(json)):x8}\n", line);
        Assert.Contains("\"formatVersion\": 3", json);

        IndexHeader parsed = IndexHeader.Read(index);
        IndexHeader reference = JsonSerializer.Deserialize(json, IndexHeaderJson.Default.IndexHeader)!;
        // every field, the files' block checksums included: the hand-written reader and the writer's contract agree
        Assert.Equal(JsonSerializer.Serialize(reference, IndexHeaderJson.Default.IndexHeader), JsonSerializer.Serialize(parsed, IndexHeaderJson.Default.IndexHeader));
        Assert.Equal(JsonSerializer.Serialize(reference, IndexHeaderJson.Default.IndexHeader), json);
        Assert.Equal(400, parsed.DocumentCount);
        Assert.Equal(IndexReader.DataFiles.Order(StringComparer.Ordinal), parsed.Files.Keys.Order(StringComparer.Ordinal));
        Assert.All(parsed.Files, f => Assert.Equal(BlockFile.BlockSizeFor(f.Key), f.Value.BlockSize));
        Assert.All(parsed.Files.Values, f => Assert.Equal((f.Bytes + f.BlockSize - 1) / f.BlockSize, f.Crc32c.Length));
        Assert.Equal(4096, parsed.Files["docids.bin"].BlockSize);
        Assert.Equal(4096, parsed.Files["postings.bin"].BlockSize);
        Assert.Equal(65536, parsed.Files["store.bin"].BlockSize);
    }

    [Fact]
    public void FormatTwoHeader_CheckedBySha256_WithOneBlockSize_StillOpens_WithTheSameResults()
    {
        using var dir = new TempDir();
        string index = BuildIndex(dir);
        string[] expected = Results(index);
        IndexHeader three = IndexHeader.Read(index);
        // what format 2 wrote: 64 KiB blocks for every file, no per-file block size, a SHA-256 line
        var two = three with
        {
            FormatVersion = 2,
            Files = three.Files.ToDictionary(f => f.Key, f => BlockChecksums.Of(Path.Combine(index, f.Key))),
        };
        string json = JsonSerializer.Serialize(two, IndexHeaderJson.Default.IndexHeader).Replace("],\n      \"blockSize\": 65536", "]");
        Assert.DoesNotContain("\"blockSize\": 4096", json);
        Assert.Single(json.Split('\n'), l => l.Contains("blockSize", StringComparison.Ordinal)); // the header's own
        Rewrite(index, json, HeaderChecksum.Sha256);
        Assert.StartsWith("sha256 ", File.ReadAllLines(Path.Combine(index, IndexHeader.FileName))[^1]);
        IndexHeader read = IndexHeader.Read(index);
        Assert.Equal(2, read.FormatVersion);
        Assert.All(read.Files.Values, f => Assert.Equal(65536, f.BlockSize));
        Assert.Equal(expected, Results(index));
    }

    [Fact]
    public void Header_AlteredOrWithAWrongLine_IsReported()
    {
        using var dir = new TempDir();
        string index = BuildIndex(dir);
        (string json, string line) = Split(index);
        string path = Path.Combine(index, IndexHeader.FileName);
        foreach (string text in new[]
        {
            json.Replace("\"documentCount\": 400", "\"documentCount\": 401") + line, // the JSON changed, the line kept
            json + line.ToUpperInvariant(), // the same digits in upper case: not what the writer wrote
            json + line.TrimEnd('\n'), // no final newline
            json + ChecksummedJson.ChecksumLine(Encoding.UTF8.GetBytes(json + " "), HeaderChecksum.Sha256) + "\n", // another JSON's SHA-256
            json,
        })
        {
            File.WriteAllText(path, text);
            var e = Assert.Throws<IndexCorruptException>(() => IndexReader.Open(index));
            Assert.Equal(path, e.File);
            Assert.Contains("checksum does not match", e.Message);
        }
    }

    [Fact]
    public void Header_WithAValidChecksumButNoTermCount_NamesTheProperty()
    {
        using var dir = new TempDir();
        string index = BuildIndex(dir);
        (string json, _) = Split(index);
        string without = string.Join('\n', json.Split('\n').Where(l => !l.TrimStart().StartsWith("\"termCount\"", StringComparison.Ordinal)));
        Rewrite(index, without, HeaderChecksum.Crc32C);
        var e = Assert.Throws<IndexCorruptException>(() => IndexReader.Open(index));
        Assert.Contains("'termCount' is missing", e.Message);

        Rewrite(index, json.Replace("\"termCount\": ", "\"termCount\": \"x\", \"was\": "), HeaderChecksum.Crc32C);
        e = Assert.Throws<IndexCorruptException>(() => IndexReader.Open(index));
        Assert.Contains("not a Lodestar index header", e.Message);
    }

    [Fact]
    public void Header_WithABlockSizeThatIsNotAPowerOfTwoInRange_IsReported()
    {
        using var dir = new TempDir();
        string index = BuildIndex(dir);
        (string json, _) = Split(index);
        foreach (string bad in new[] { "1000", "2048", "131072" })
        {
            Rewrite(index, json.Replace("\"blockSize\": 4096", "\"blockSize\": " + bad), HeaderChecksum.Crc32C);
            var e = Assert.Throws<IndexCorruptException>(() => IndexReader.Open(index));
            Assert.Contains($"block size {bad} is not a power of two from 4096 to 65536", e.Message);
        }
    }

    private static string[] Results(string index)
    {
        using IndexReader reader = IndexReader.Open(index);
        var searcher = new Searcher(reader, new Bm25Parameters());
        return [.. new[] { "moth", "lamp", "7", "night" }.SelectMany(w => searcher.Search(w, 50).Select(h => $"{w} {h.DocId} {h.Score:R}"))];
    }
}
