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
        Assert.All(parsed.Files.Values, f => Assert.Equal((f.Bytes + BlockFile.BlockSize - 1) / BlockFile.BlockSize, f.Crc32c.Length));
    }

    [Fact]
    public void FormatTwoHeader_CheckedBySha256_StillOpens_WithTheSameResults()
    {
        using var dir = new TempDir();
        string index = BuildIndex(dir);
        string[] expected = Results(index);
        (string json, _) = Split(index);
        Rewrite(index, json.Replace("\"formatVersion\": 3", "\"formatVersion\": 2"), HeaderChecksum.Sha256);
        Assert.StartsWith("sha256 ", File.ReadAllLines(Path.Combine(index, IndexHeader.FileName))[^1]);
        Assert.Equal(2, IndexHeader.Read(index).FormatVersion);
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

    private static string[] Results(string index)
    {
        using IndexReader reader = IndexReader.Open(index);
        var searcher = new Searcher(reader, new Bm25Parameters());
        return [.. new[] { "moth", "lamp", "7", "night" }.SelectMany(w => searcher.Search(w, 50).Select(h => $"{w} {h.DocId} {h.Score:R}"))];
    }
}
