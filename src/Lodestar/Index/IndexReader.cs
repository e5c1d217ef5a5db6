using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Lodestar.Analysis;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>
/// An open index. Every data file is memory-mapped; opening checks the header's own checksum, each file's length and
/// the counts, and nothing else, so it costs milliseconds whatever the size. Each 64 KiB block of a file is checked
/// against its CRC-32C the first time any of its bytes is read (<see cref="BlockFile"/>), so a damaged byte is reported
/// before a result depends on it; <see cref="Verify"/> checks every block (<c>lodestar index check</c>).
/// </summary>
/// <remarks>
/// Thread-safe for reading. Terms are found by binary search over <c>terms.idx</c> (offsets into the sorted
/// <c>terms.bin</c>), external ids through <c>docids.idx</c>; neither is loaded into objects.
/// </remarks>
public sealed class IndexReader : IDisposable
{
    /// <summary>The data files, in the order <see cref="Verify"/> checks them.</summary>
    public static readonly string[] DataFiles = ["terms.bin", "terms.idx", "postings.bin", "doclens.bin", "docids.bin", "docids.idx", "store.idx", "store.bin"];

    private const int TermEntry = 16;
    private readonly BlockFile _terms;
    private readonly BlockFile _termIndex;
    private readonly BlockFile _postings;
    private readonly BlockFile _lengths;
    private readonly BlockFile _docIds;
    private readonly BlockFile _docIdIndex;
    private readonly BlockFile[] _files;
    private readonly Lazy<DocumentStore> _store;
    private readonly Lazy<Dictionary<string, int>> _docIndex;
    private readonly Lazy<int[]> _idRanks;

    private IndexReader(string directory, IndexHeader header)
    {
        Directory = directory;
        Header = header;
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Lodestar indexes are read on little-endian machines only");
        }

        var files = new List<BlockFile>();
        try
        {
            foreach (string name in DataFiles)
            {
                files.Add(BlockFile.Open(FilePath(name), Expected(name)));
            }
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }

        _files = [.. files];
        (_terms, _termIndex, _postings, _lengths, _docIds, _docIdIndex) = (_files[0], _files[1], _files[2], _files[3], _files[4], _files[5]);
        Require(_termIndex, (long)header.TermCount * TermEntry, "term count");
        Require(_lengths, (long)header.DocumentCount * 4, "document count");
        Require(_docIdIndex, ((long)header.DocumentCount + 1) * 8, "document count");
        _store = new Lazy<DocumentStore>(() => new DocumentStore(_files[7], _files[6]));
        _docIndex = new Lazy<Dictionary<string, int>>(BuildDocIndex);
        _idRanks = new Lazy<int[]>(BuildIdRanks);
    }

    /// <summary>Opens the index in <paramref name="directory"/>: header checksum, file lengths and counts.</summary>
    /// <exception cref="IndexCorruptException">A file is missing, truncated, of another format, or the header was altered.</exception>
    public static IndexReader Open(string directory) => new(directory, IndexHeader.Read(directory));

    /// <summary>The index directory.</summary>
    public string Directory { get; }

    /// <summary>The header.</summary>
    public IndexHeader Header { get; }

    /// <summary>N, the number of documents.</summary>
    public int DocumentCount => Header.DocumentCount;

    /// <summary>Document lengths in terms, by internal doc id (checked on first use).</summary>
    public ReadOnlySpan<int> DocLengths => MemoryMarshal.Cast<byte, int>(_lengths.Read(0, DocumentCount * 4));

    /// <summary>A new instance of the analyzer the index was built with.</summary>
    public Analyzer CreateAnalyzer() => Analyzer.Create(Header.Analyzer);

    /// <summary>Looks up a term (binary search over the sorted dictionary, ordinal order).</summary>
    public bool TryGetTerm(ReadOnlySpan<char> term, out TermInfo info)
    {
        int lo = 0, hi = Header.TermCount - 1;
        Span<char> buffer = stackalloc char[128];
        while (lo <= hi)
        {
            int mid = (int)(((uint)lo + (uint)hi) >> 1);
            ReadOnlySpan<byte> entry = _termIndex.Read((long)mid * TermEntry, TermEntry);
            long at = BinaryPrimitives.ReadInt64LittleEndian(entry);
            ReadOnlySpan<byte> head = _terms.ReadUpTo(at, 10);
            int pos = 0;
            int length = (int)VarInt.Read(head, ref pos);
            ReadOnlySpan<byte> bytes = _terms.Read(at + pos, length);
            char[]? rented = null;
            Span<char> chars = length <= buffer.Length ? buffer : (rented = new char[length]);
            int n = Encoding.UTF8.GetChars(bytes, chars);
            int c = term.SequenceCompareTo(chars[..n]);
            if (c == 0)
            {
                ReadOnlySpan<byte> tail = _terms.ReadUpTo(at + pos + length, 20);
                int p = 0;
                int df = (int)VarInt.Read(tail, ref p);
                int postingBytes = (int)VarInt.Read(tail, ref p);
                info = new TermInfo(df, BinaryPrimitives.ReadInt64LittleEndian(entry[8..]), postingBytes);
                return true;
            }

            if (c < 0)
            {
                hi = mid - 1;
            }
            else
            {
                lo = mid + 1;
            }
        }

        info = default;
        return false;
    }

    /// <summary>The encoded postings of a term: varint (doc gap, tf) pairs, the first gap counted from −1.</summary>
    public ReadOnlySpan<byte> Postings(TermInfo info) => _postings.Read(info.Offset, info.Length);

    /// <summary>The external id of internal document <paramref name="doc"/>.</summary>
    public string DocId(int doc)
    {
        if ((uint)doc >= (uint)DocumentCount)
        {
            throw new ArgumentOutOfRangeException(nameof(doc));
        }

        ReadOnlySpan<byte> offsets = _docIdIndex.Read((long)doc * 8, 16);
        long start = BinaryPrimitives.ReadInt64LittleEndian(offsets), end = BinaryPrimitives.ReadInt64LittleEndian(offsets[8..]);
        if (start < 0 || end < start || end > _docIds.Length)
        {
            throw new IndexCorruptException(_docIdIndex.Path, $"document {doc}'s id offsets {start}–{end} are out of range");
        }

        ReadOnlySpan<byte> record = _docIds.Read(start, (int)(end - start));
        int pos = 0;
        int length = (int)VarInt.Read(record, ref pos);
        if (pos + length != record.Length)
        {
            throw new IndexCorruptException(_docIds.Path, $"document {doc}'s id does not fill its record");
        }

        return Encoding.UTF8.GetString(record[pos..]);
    }

    /// <summary>Each document's position when all external ids are sorted ordinally; built once, O(N log N).</summary>
    /// <remarks>Search no longer needs it (it compares the ids of the few tied documents); kept for callers that
    /// rank many documents by id.</remarks>
    public int[] IdRanks => _idRanks.Value;

    /// <summary>Finds the internal id of an external id (builds a table of every id on first use, O(N)).</summary>
    public bool TryGetDoc(string externalId, out int doc) => _docIndex.Value.TryGetValue(externalId, out doc);

    /// <summary>Whether the table of every external id that <see cref="TryGetDoc"/> builds exists yet.</summary>
    internal bool HasDocTable => _docIndex.IsValueCreated;

    /// <summary>The stored text of internal document <paramref name="doc"/>.</summary>
    public string GetText(int doc) => _store.Value.Get(doc);

    /// <summary>Checks every block of every file against its CRC-32C, then that every id and term entry lies inside
    /// its file: Lucene's CheckIndex, for <c>lodestar index check</c>.</summary>
    /// <exception cref="IndexCorruptException">The first damage found, naming its file.</exception>
    public void Verify()
    {
        foreach (BlockFile file in _files)
        {
            file.VerifyAll();
        }

        for (int d = 0; d < DocumentCount; d++)
        {
            _ = DocId(d);
        }

        long postings = 0;
        for (int t = 0; t < Header.TermCount; t++)
        {
            ReadOnlySpan<byte> entry = _termIndex.Read((long)t * TermEntry, TermEntry);
            if (BinaryPrimitives.ReadInt64LittleEndian(entry[8..]) != postings)
            {
                throw new IndexCorruptException(_termIndex.Path, $"term {t}'s postings offset disagrees with terms.bin");
            }

            long at = BinaryPrimitives.ReadInt64LittleEndian(entry);
            ReadOnlySpan<byte> head = _terms.ReadUpTo(at, 10);
            int pos = 0;
            int length = (int)VarInt.Read(head, ref pos);
            ReadOnlySpan<byte> tail = _terms.ReadUpTo(at + pos + length, 20);
            int p = 0;
            VarInt.Read(tail, ref p);
            postings += (long)VarInt.Read(tail, ref p);
        }

        if (postings != _postings.Length)
        {
            throw new IndexCorruptException(_postings.Path, $"the terms account for {postings} bytes of postings, the file has {_postings.Length}");
        }

        _ = _store.Value;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_store.IsValueCreated)
        {
            _store.Value.Dispose();
        }

        foreach (BlockFile file in _files)
        {
            file.Dispose();
        }
    }

    private string FilePath(string name) => Path.Combine(Directory, name);

    private BlockChecksums Expected(string name) =>
        Header.Files.TryGetValue(name, out BlockChecksums? c) && c?.Crc32c is not null ? c
            : throw new IndexCorruptException(FilePath(IndexHeader.FileName), $"no checksum recorded for {name}");

    private static void Require(BlockFile file, long bytes, string what)
    {
        if (file.Length != bytes)
        {
            throw new IndexCorruptException(file.Path, $"expected {bytes} bytes for the header's {what}, found {file.Length}");
        }
    }

    private int[] BuildIdRanks()
    {
        int[] order = [.. Enumerable.Range(0, DocumentCount)];
        string[] keys = [.. order.Select(DocId)];
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
        var index = new Dictionary<string, int>(DocumentCount, StringComparer.Ordinal);
        for (int i = 0; i < DocumentCount; i++)
        {
            index[DocId(i)] = i;
        }

        return index;
    }
}
