using System.IO.Compression;
using System.Text;
using Lodestar.Errors;
using Lodestar.Index;
using Lodestar.Search;

namespace Lodestar.Tests.Index;

public class IndexWriterTests
{
    private const string GoodLine = "{\"_id\": \"d1\", \"title\": \"Insects\", \"text\": \"Why are insects drawn to light?\"}\n";

    private static InputException BuildFails(TempDir dir, string corpus, IndexBuildOptions? options = null)
    {
        var e = Assert.Throws<InputException>(() => IndexWriter.Build(corpus, dir.File("index"), options ?? new IndexBuildOptions()));
        Assert.Empty(Directory.GetDirectories(dir.Path)); // no index and no temporary directory left behind
        return e;
    }

    [Fact]
    public void Build_MalformedJson_ReportsLineAndColumn()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("corpus.jsonl", GoodLine + "{\"_id\": \"d2\", \"text\": \"unterminated}\n");
        InputException e = BuildFails(dir, corpus);
        Assert.StartsWith($"{corpus}:2:", e.Message);
        Assert.Contains("malformed JSON", e.Message);
    }

    [Fact]
    public void Build_MissingId_ReportsLine()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("corpus.jsonl", GoodLine + "{\"text\": \"no id here\"}\n");
        Assert.Equal($"{corpus}:2:1: expected an \"_id\" or \"id\" field, found none", BuildFails(dir, corpus).Message);
    }

    [Fact]
    public void Build_DuplicateId_NamesBothLines()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("corpus.jsonl", GoodLine + "{\"_id\": \"d2\", \"text\": \"x\"}\n" + GoodLine);
        Assert.Equal($"{corpus}:3:1: expected unique document ids, found 'd1' again (first on line 1)", BuildFails(dir, corpus).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Build_DuplicateIdInAnotherSpilledIdRun_NamesBothLines_TheFirstInLineOrder(int threads)
    {
        // a 64 KiB budget: 1,024 id hashes a run, so 5,000 documents make five runs and lines 10 and 4,500 lie in
        // different ones; the later duplicate (line 4,800, of line 20) is not the one reported
        using var dir = new TempDir();
        var sb = new StringBuilder();
        for (int line = 1; line <= 5000; line++)
        {
            string id = line switch { 4500 => "doc 10", 4800 => "doc 20", _ => $"doc {line}" };
            sb.Append($"{{\"_id\": \"{id}\", \"text\": \"moth {line % 97} lamp\"}}\n");
        }

        string corpus = dir.Write("corpus.jsonl", sb.ToString());
        InputException e = BuildFails(dir, corpus, new IndexBuildOptions { MemoryBudgetBytes = 64 << 10, Threads = threads });
        Assert.Equal($"{corpus}:4500:1: expected unique document ids, found 'doc 10' again (first on line 10)", e.Message);
    }

    [Fact]
    public void Build_DuplicateIdAndALaterMalformedLine_TheEarlierErrorIsReported()
    {
        // the duplicate is found when the ids' runs are merged, the malformed line when it is read: file order decides
        using var dir = new TempDir();
        string Corpus(int duplicateLine, int malformedLine) => string.Concat(Enumerable.Range(1, 6000).Select(line =>
            line == malformedLine ? "{\"_id\": \"bad\", \"text\": }\n"
            : $"{{\"_id\": \"d{(line == duplicateLine ? 2 : line)}\", \"text\": \"insects {line % 89} lamps\"}}\n"));

        string early = dir.Write("early.jsonl", Corpus(duplicateLine: 3, malformedLine: 5000));
        Assert.Equal($"{early}:3:1: expected unique document ids, found 'd2' again (first on line 2)", BuildFails(dir, early).Message);
        string late = dir.Write("late.jsonl", Corpus(duplicateLine: 5000, malformedLine: 4000));
        Assert.StartsWith($"{late}:4000:", BuildFails(dir, late).Message);
    }

    [Fact]
    public void Build_EmptyDocument_KeptByDefault_ErrorOnRequest()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("corpus.jsonl", GoodLine + "{\"_id\": \"blank\", \"text\": \"the of and\"}\n");
        IndexBuildSummary summary = IndexWriter.Build(corpus, dir.File("kept"), new IndexBuildOptions());
        Assert.Equal((2, 1), (summary.Documents, summary.EmptyDocuments));
        using (IndexReader index = IndexReader.Open(dir.File("kept")))
        {
            Assert.Equal(2, index.Header.DocumentCount);
            Assert.Equal(1, index.Header.NonEmptyDocumentCount);
        }

        var e = Assert.Throws<InputException>(() => IndexWriter.Build(corpus, dir.File("strict"), new IndexBuildOptions { EmptyDocuments = EmptyDocumentPolicy.Error }));
        Assert.Equal($"{corpus}:2:1: expected a document with at least one term, found 'blank' empty (use --empty keep|skip)", e.Message);
        Assert.False(Directory.Exists(dir.File("strict")));

        IndexWriter.Build(corpus, dir.File("skipped"), new IndexBuildOptions { EmptyDocuments = EmptyDocumentPolicy.Skip });
        using IndexReader skipped = IndexReader.Open(dir.File("skipped"));
        Assert.Equal(1, skipped.DocumentCount);
    }

    [Fact]
    public void Build_InvalidUtf8_ReportsByteColumn()
    {
        using var dir = new TempDir();
        string corpus = dir.File("corpus.jsonl");
        File.WriteAllBytes(corpus, [.. Encoding.UTF8.GetBytes(GoodLine), .. "{\"_id\": \"x\", \"text\": \"caf"u8, 0xE9, .. "\"}\n"u8]);
        Assert.Equal($"{corpus}:2:26: expected UTF-8 text, found byte '\\xE9\"}}'", BuildFails(dir, corpus).Message);
    }

    [Fact]
    public void Build_TruncatedGzip_IsReported()
    {
        using var dir = new TempDir();
        var raw = new MemoryStream();
        using (var gz = new GZipStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int i = 0; i < 3000; i++)
            {
                gz.Write(Encoding.UTF8.GetBytes($"{{\"_id\": \"d{i}\", \"text\": \"document number {i} about insects {i * 7919 % 1000}\"}}\n"));
            }
        }

        string corpus = dir.File("corpus.jsonl.gz");
        File.WriteAllBytes(corpus, raw.ToArray()[..(int)(raw.Length / 2)]);
        InputException e = BuildFails(dir, corpus);
        Assert.Contains("gzip", e.Message);
        Assert.StartsWith(corpus + ":", e.Message);
    }

    [Fact]
    public void FlippedByte_AnywhereInAnyFile_IsReportedNamingTheFile_BeforeAnyResult()
    {
        using var dir = new TempDir();
        var sb = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            sb.Append($"{{\"_id\": \"doc{i}\", \"text\": \"moths circle lamps {i % 97} at night {i * 7919 % 1000} insects\"}}\n");
        }

        string corpus = dir.Write("corpus.jsonl", sb.ToString());
        string index = dir.File("index");
        IndexWriter.Build(corpus, index, new IndexBuildOptions());
        string[] expected = Everything(index);
        var rng = new Random(5);
        foreach (string name in IndexReader.DataFiles.Append(IndexHeader.FileName))
        {
            string path = Path.Combine(index, name);
            byte[] original = File.ReadAllBytes(path);
            // the middle byte, the first, the last, and five more at random
            foreach (int at in new[] { original.Length / 2, 0, original.Length - 1 }.Concat(Enumerable.Range(0, 5).Select(_ => rng.Next(original.Length))))
            {
                byte[] bytes = (byte[])original.Clone();
                int bit = rng.Next(8);
                bytes[at] ^= (byte)(1 << bit);
                File.WriteAllBytes(path, bytes);
                // everything a reader can return: opening, every term's search, every id and text; and index check
                var e = Assert.Throws<IndexCorruptException>(() =>
                {
                    try
                    {
                        Everything(index);
                    }
                    catch (Exception x) when (x is not IndexCorruptException)
                    {
                        throw new InvalidOperationException($"{name} byte {at} bit {bit}: {x.GetType().Name}", x);
                    }

                    Assert.Fail($"{name} byte {at} of {original.Length} bit {bit}: not detected");
                });
                Assert.Equal(path, e.File);
                var check = Assert.Throws<IndexCorruptException>(() =>
                {
                    using IndexReader reader = IndexReader.Open(index);
                    reader.Verify();
                });
                Assert.Equal(path, check.File);
                File.WriteAllBytes(path, original);
            }
        }

        Assert.Equal(expected, Everything(index));
    }

    /// <summary>Opens the index, searches every word of the test corpus, and reads every id and text.</summary>
    private static string[] Everything(string index)
    {
        using IndexReader reader = IndexReader.Open(index);
        var searcher = new Searcher(reader, new Bm25Parameters());
        var lines = new List<string>();
        foreach (string word in new[] { "moth", "circl", "lamp", "night", "insect", "17", "500", "absent" })
        {
            lines.AddRange(searcher.Search(word, 20).Select(h => $"{word} {h.DocId} {h.Score:R}"));
        }

        for (int d = 0; d < reader.DocumentCount; d++)
        {
            lines.Add($"{reader.DocId(d)} {reader.GetText(d)} {reader.DocLengths[d]}");
        }

        return [.. lines];
    }

    [Fact]
    public void Open_FormatOneIndex_SaysToRebuild()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("corpus.jsonl", GoodLine);
        IndexWriter.Build(corpus, dir.File("index"), new IndexBuildOptions());
        string header = Path.Combine(dir.File("index"), IndexHeader.FileName);
        string text = File.ReadAllText(header);
        string json = text[..text.LastIndexOf("\ncrc32c ", StringComparison.Ordinal)].Replace("\"formatVersion\": 3", "\"formatVersion\": 1");
        File.WriteAllText(header, json + ChecksummedJson.ChecksumLine(Encoding.UTF8.GetBytes(json), HeaderChecksum.Crc32C) + "\n");
        var e = Assert.Throws<IndexCorruptException>(() => IndexReader.Open(dir.File("index")));
        Assert.Contains("found lodestar-bm25 version 1", e.Message);
        Assert.Contains("rebuild the index", e.Message);
    }

    [Theory]
    [InlineData("pretokenized", "{\"id\": \"d1\", \"tokens\": [\"a\"]}\n{\"id\": \"d2\", \"tokens\": [\"\\ud800\"]}\n", 25)]
    [InlineData("english", "{\"id\": \"d1\", \"text\": \"a\"}\n{\"id\": \"d2\", \"text\": \"x \\ud800\"}\n", 22)]
    public void Build_EscapedLoneSurrogate_IsAnInputErrorAtItsLine(string analyzer, string lines, int column)
    {
        using var dir = new TempDir();
        string corpus = dir.Write("corpus.jsonl", lines);
        InputException e = BuildFails(dir, corpus, new IndexBuildOptions { Analyzer = analyzer });
        Assert.Equal($"{corpus}:2:{column}: malformed JSON: Cannot read incomplete UTF-16 JSON text as string with missing low surrogate", e.Message);
    }

    [Fact]
    public void Build_SpillingRuns_GivesTheSameIndexAsInMemory()
    {
        using var dir = new TempDir();
        var sb = new StringBuilder();
        var rng = new Random(7);
        string[] words = ["light", "insect", "moth", "lamp", "night", "wing", "phototaxis", "navigation", "moon", "heat"];
        for (int i = 0; i < 5000; i++)
        {
            string text = string.Join(' ', Enumerable.Range(0, 1 + rng.Next(30)).Select(_ => words[rng.Next(words.Length)] + rng.Next(200)));
            sb.Append($"{{\"id\": \"doc {i}\", \"content\": \"{text}\"}}\n");
        }

        string corpus = dir.Write("corpus.jsonl", sb.ToString());
        IndexWriter.Build(corpus, dir.File("memory"), new IndexBuildOptions { Threads = 1 });
        IndexBuildSummary spilled = IndexWriter.Build(corpus, dir.File("spilled"), new IndexBuildOptions { MemoryBudgetBytes = 64 << 10 });
        // runs written to disk; the last part stays in memory and is merged from there
        Assert.True(spilled.SpilledRuns >= 3, $"only {spilled.SpilledRuns} runs spilled");
        foreach (string name in IndexReader.DataFiles)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("memory"), name)), File.ReadAllBytes(Path.Combine(dir.File("spilled"), name)));
        }

        using IndexReader index = IndexReader.Open(dir.File("spilled"));
        Assert.Equal("doc 4321", index.DocId(4321));
        var hits = new Searcher(index, new Bm25Parameters()).Search("moth7 lamp3", 5);
        Assert.Equal(5, hits.Count);
        Assert.True(hits[0].Score >= hits[4].Score);
    }

    [Fact]
    public void Build_ErrorsAreReportedInFileOrder_ThoughBatchesAreReadAhead()
    {
        using var dir = new TempDir();
        var raw = new MemoryStream();
        using (var gz = new GZipStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int i = 1; i <= 6000; i++)
            {
                string line = i == 2500 ? "{\"_id\": \"bad\", \"text\": }" : $"{{\"_id\": \"d{i}\", \"text\": \"insects {i * 7919 % 1000} lamps\"}}";
                gz.Write(Encoding.UTF8.GetBytes(line + "\n"));
            }
        }

        // The gzip stream is cut near its end, two batches after line 2,500, within the read-ahead: line 2,500 comes first.
        string corpus = dir.File("corpus.jsonl.gz");
        File.WriteAllBytes(corpus, raw.ToArray()[..(int)(raw.Length - 40)]);
        foreach (int threads in new[] { 1, 3 })
        {
            InputException e = BuildFails(dir, corpus, new IndexBuildOptions { Threads = threads });
            Assert.StartsWith($"{corpus}:2500:", e.Message);
        }
    }

    [Fact]
    public void Build_ManyBatches_TextsAndIdsRoundTrip_WhateverTheThreads()
    {
        using var dir = new TempDir();
        var rng = new Random(11);
        var texts = new List<(string Id, string Text)>();
        var sb = new StringBuilder();
        for (int i = 0; i < 7000; i++)
        {
            // short passages, a few long ones that fill a store block alone, and some with no terms at all
            int words = i % 997 == 0 ? 5000 : i % 13 == 0 ? 0 : 1 + rng.Next(40);
            string text = string.Join(' ', Enumerable.Range(0, words).Select(_ => "w" + rng.Next(3000)));
            // escaped ids, texts and titles are unescaped or joined into the chunk's pages; plain ones stay slices of the line
            string id = i % 5 == 0 ? $"q\\u00e9 {i}" : $"doc-{i}";
            string escaped = i % 3 == 0 && text.Length > 0 ? text + " \\\"quoted\\\"" : text;
            string stored = i % 3 == 0 && text.Length > 0 ? text + " \"quoted\"" : text;
            string title = i % 7 == 0 && text.Length > 0 ? $"\"title\": \"T{i}\", " : "";
            texts.Add((i % 5 == 0 ? $"q\u00e9 {i}" : id, title.Length > 0 ? $"T{i} {stored}" : stored));
            sb.Append($"{{\"id\": \"{id}\", {title}\"content\": \"{escaped}\"}}\n");
        }

        string corpus = dir.Write("corpus.jsonl", sb.ToString());
        var skip = new IndexBuildOptions { Threads = 1, EmptyDocuments = EmptyDocumentPolicy.Skip };
        IndexWriter.Build(corpus, dir.File("one"), skip);
        IndexWriter.Build(corpus, dir.File("four"), new IndexBuildOptions { Threads = 4, EmptyDocuments = EmptyDocumentPolicy.Skip });
        foreach (string name in IndexReader.DataFiles)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("one"), name)), File.ReadAllBytes(Path.Combine(dir.File("four"), name)));
        }

        using IndexReader index = IndexReader.Open(dir.File("four"));
        var kept = texts.Where(t => t.Text.Length > 0).ToList();
        Assert.Equal(kept.Count, index.DocumentCount);
        for (int doc = 0; doc < kept.Count; doc++)
        {
            Assert.Equal(kept[doc].Id, index.DocId(doc));
            Assert.Equal(kept[doc].Text, index.GetText(doc));
        }
    }
}
