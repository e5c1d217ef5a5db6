using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Lodestar.Analysis;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>
/// An open index: term dictionary, postings and document lengths in memory, the document store on disk.
/// Every file's size and SHA-256 are checked against the header on open.
/// </summary>
/// <remarks>Thread-safe for reading. Postings are one array, so <c>postings.bin</c> is limited to 2 GiB in format 1.</remarks>
public sealed class IndexReader : IDisposable
{
    /// <summary>The data files, in the order they are checked.</summary>
    public static readonly string[] DataFiles = ["terms.bin", "postings.bin", "doclens.bin", "docids.bin", "store.idx", "store.bin"];

    private readonly Dictionary<string, TermInfo> _terms;
    private readonly Dictionary<string, TermInfo>.AlternateLookup<ReadOnlySpan<char>> _termLookup;
    private readonly byte[] _postings;
    private readonly int[] _lengths;
    private readonly string[] _docIds;
    private readonly DocumentStore _store;
    private readonly Lazy<Dictionary<string, int>> _docIndex;
    private readonly Lazy<int[]> _idRanks;

    private IndexReader(string directory, IndexHeader header)
    {
        Directory = directory;
        Header = header;
        byte[] termsBytes = ReadChecked("terms.bin");
        _postings = ReadChecked("postings.bin");
        _lengths = ParseLengths(ReadChecked("doclens.bin"));
        _docIds = ParseIds(ReadChecked("docids.bin"));
        byte[] storeIdx = ReadChecked("store.idx");
        VerifyStreaming("store.bin");
        (_terms, _termLookup) = ParseTerms(termsBytes);
        if (_lengths.Length != header.DocumentCount || _docIds.Length != header.DocumentCount || _terms.Count != header.TermCount)
        {
            throw new IndexCorruptException(Path.Combine(directory, IndexHeader.FileName), "document or term counts disagree with the data files");
        }

        _store = new DocumentStore(Path.Combine(directory, "store.bin"), storeIdx);
        _docIndex = new Lazy<Dictionary<string, int>>(BuildDocIndex);
        _idRanks = new Lazy<int[]>(BuildIdRanks);
    }

    /// <summary>Opens and verifies the index in <paramref name="directory"/>.</summary>
    /// <exception cref="IndexCorruptException">A file is missing, truncated, altered, or of another format.</exception>
    public static IndexReader Open(string directory) => new(directory, IndexHeader.Read(directory));

    /// <summary>The index directory.</summary>
    public string Directory { get; }

    /// <summary>The header.</summary>
    public IndexHeader Header { get; }

    /// <summary>N, the number of documents.</summary>
    public int DocumentCount => _lengths.Length;

    /// <summary>Document lengths in terms, by internal doc id.</summary>
    public ReadOnlySpan<int> DocLengths => _lengths;

    /// <summary>A new instance of the analyzer the index was built with.</summary>
    public Analyzer CreateAnalyzer() => Analyzer.Create(Header.Analyzer);

    /// <summary>Looks up a term.</summary>
    public bool TryGetTerm(ReadOnlySpan<char> term, out TermInfo info) => _termLookup.TryGetValue(term, out info);

    /// <summary>The encoded postings of a term: varint (doc gap, tf) pairs, the first gap counted from −1.</summary>
    public ReadOnlySpan<byte> Postings(TermInfo info) => _postings.AsSpan((int)info.Offset, info.Length);

    /// <summary>The external id of internal document <paramref name="doc"/>.</summary>
    public string DocId(int doc) => _docIds[doc];

    /// <summary>Each document's position when all external ids are sorted ordinally; built once, O(N log N).</summary>
    /// <remarks>Lets a ranking break score ties by external id with an integer comparison.</remarks>
    public int[] IdRanks => _idRanks.Value;

    /// <summary>Finds the internal id of an external id.</summary>
    public bool TryGetDoc(string externalId, out int doc) => _docIndex.Value.TryGetValue(externalId, out doc);

    /// <summary>The stored text of internal document <paramref name="doc"/>.</summary>
    public string GetText(int doc) => _store.Get(doc);

    /// <inheritdoc />
    public void Dispose() => _store.Dispose();

    private string FilePath(string name) => Path.Combine(Directory, name);

    private FileChecksum Expected(string name) =>
        Header.Files.TryGetValue(name, out FileChecksum? c) ? c
            : throw new IndexCorruptException(FilePath(IndexHeader.FileName), $"no checksum recorded for {name}");

    private byte[] ReadChecked(string name)
    {
        string path = FilePath(name);
        FileChecksum expected = Expected(name);
        if (!File.Exists(path))
        {
            throw new IndexCorruptException(path, "the file is missing");
        }

        byte[] bytes = File.ReadAllBytes(path);
        Check(path, expected, bytes.Length, SHA256.HashData(bytes));
        return bytes;
    }

    private void VerifyStreaming(string name)
    {
        string path = FilePath(name);
        FileChecksum expected = Expected(name);
        if (!File.Exists(path))
        {
            throw new IndexCorruptException(path, "the file is missing");
        }

        using FileStream stream = File.OpenRead(path);
        Check(path, expected, stream.Length, SHA256.HashData(stream));
    }

    private static void Check(string path, FileChecksum expected, long length, byte[] hash)
    {
        if (length != expected.Bytes)
        {
            throw new IndexCorruptException(path, $"expected {expected.Bytes} bytes, found {length}");
        }

        string actual = Convert.ToHexStringLower(hash);
        if (actual != expected.Sha256)
        {
            throw new IndexCorruptException(path, $"SHA-256 mismatch: expected {expected.Sha256[..16]}…, found {actual[..16]}… (the file was altered)");
        }
    }

    private static int[] ParseLengths(byte[] bytes)
    {
        int[] lengths = new int[bytes.Length / 4];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * 4));
        }

        return lengths;
    }

    private static string[] ParseIds(byte[] bytes)
    {
        var ids = new List<string>();
        int pos = 0;
        while (pos < bytes.Length)
        {
            int length = (int)VarInt.Read(bytes, ref pos);
            ids.Add(Encoding.UTF8.GetString(bytes, pos, length));
            pos += length;
        }

        return [.. ids];
    }

    private static (Dictionary<string, TermInfo>, Dictionary<string, TermInfo>.AlternateLookup<ReadOnlySpan<char>>) ParseTerms(byte[] bytes)
    {
        var terms = new Dictionary<string, TermInfo>(StringComparer.Ordinal);
        int pos = 0;
        long offset = 0;
        while (pos < bytes.Length)
        {
            int length = (int)VarInt.Read(bytes, ref pos);
            string term = Encoding.UTF8.GetString(bytes, pos, length);
            pos += length;
            int df = (int)VarInt.Read(bytes, ref pos);
            int postingBytes = (int)VarInt.Read(bytes, ref pos);
            terms[term] = new TermInfo(df, offset, postingBytes);
            offset += postingBytes;
        }

        return (terms, terms.GetAlternateLookup<ReadOnlySpan<char>>());
    }

    private int[] BuildIdRanks()
    {
        int[] order = [.. Enumerable.Range(0, _docIds.Length)];
        string[] keys = (string[])_docIds.Clone();
        Array.Sort(keys, order, StringComparer.Ordinal);
        int[] ranks = new int[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            ranks[order[i]] = i;
        }

        return ranks;
    }

    private Dictionary<string, int> BuildDocIndex()
    {
        var index = new Dictionary<string, int>(_docIds.Length, StringComparer.Ordinal);
        for (int i = 0; i < _docIds.Length; i++)
        {
            index[_docIds[i]] = i;
        }

        return index;
    }
}
