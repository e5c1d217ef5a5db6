using System.Buffers.Binary;
using System.Text;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>
/// Writes the external ids (<c>docids.bin</c>: varint length and UTF-8 bytes per document; <c>docids.idx</c>: the
/// int64 offset of each, and the end) and checks that they are unique, with memory that does not grow with the corpus:
/// each id's 64-bit hash and line go to sorted runs on disk (<see cref="IdHashRuns"/>), merged by
/// <see cref="ThrowIfDuplicates"/> once the ids are written.
/// </summary>
/// <remarks>
/// Ids whose hashes are equal are read back from <c>docids.bin</c> and compared byte for byte; only equal bytes are a
/// duplicate, reported at the line of the first document whose id appeared before, with the line of the first one: the
/// error the build always gave, now found at the end of the input instead of at the line (the build checks first on
/// any other input error, so the first error in file order is still the one reported). Distinct ids whose hashes
/// collide cost one read each. The ids are not kept in memory as strings, bytes or a table of hashes, so a corpus of
/// ten million long ids needs no more memory than one of a thousand short ones.
/// </remarks>
internal sealed class DocIdWriter : IDisposable
{
    /// <summary>A 64-bit hash of an id's UTF-8 bytes.</summary>
    public delegate ulong IdHash(ReadOnlySpan<byte> id);

    private readonly string _corpusPath;
    private readonly IdHash _hash;
    private const int BufferBytes = 1 << 16;

    private readonly FileStream _idsFile;
    private readonly FileStream _offsetsFile;
    private readonly IdHashRuns _runs;
    private readonly byte[] _ids = new byte[BufferBytes]; // docids.bin's bytes not yet written
    private readonly byte[] _offsets = new byte[BufferBytes]; // docids.idx's
    private int _idsUsed;
    private int _offsetsUsed;
    private int _count;
    private long _bytes;

    /// <summary>Creates <c>docids.bin</c> and <c>docids.idx</c> in <paramref name="directory"/>, and the hashes' runs
    /// (<paramref name="runEntries"/> a run) beside them; <paramref name="hash"/> replaces <see cref="Utf8Hash.Of"/>
    /// (tests force collisions with it).</summary>
    public DocIdWriter(string directory, string corpusPath, int runEntries, IdHash? hash = null)
    {
        _corpusPath = corpusPath;
        _hash = hash ?? Utf8Hash.Of;
        _idsFile = new FileStream(Path.Combine(directory, "docids.bin"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1);
        _offsetsFile = new FileStream(Path.Combine(directory, "docids.idx"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1);
        _runs = new IdHashRuns(Path.Combine(directory, "id-hashes.tmp"), Math.Max(1, runEntries));
    }

    /// <summary>Documents written.</summary>
    public int Count => _count;

    /// <summary>Sorted runs of hashes written to disk so far.</summary>
    public int HashRuns => _runs.Runs;

    /// <summary>Writes the next document's id, found on line <paramref name="line"/> of the corpus.</summary>
    public void Add(ReadOnlySpan<byte> id, long line) => Add(id, line, _hash(id));

    /// <summary>Writes the next document's id, whose hash the caller computed with this writer's hash function (the
    /// build's workers do).</summary>
    public void Add(ReadOnlySpan<byte> id, long line, ulong hash)
    {
        _runs.Add(hash, line);
        if (_offsetsUsed + 8 > _offsets.Length)
        {
            FlushOffsets();
        }

        BinaryPrimitives.WriteInt64LittleEndian(_offsets.AsSpan(_offsetsUsed), _bytes);
        _offsetsUsed += 8;
        int size = VarInt.Size((ulong)id.Length) + id.Length;
        _bytes += size;
        if (_idsUsed + size + 10 > _ids.Length) // VarInt.Write wants 10 bytes of room
        {
            FlushIds();
            if (size + 10 > _ids.Length)
            {
                Span<byte> length = stackalloc byte[10];
                int n = 0;
                for (ulong v = (ulong)id.Length; ; v >>= 7)
                {
                    length[n++] = (byte)(v >= 0x80 ? v | 0x80 : v);
                    if (v < 0x80)
                    {
                        break;
                    }
                }

                _idsFile.Write(length[..n]);
                _idsFile.Write(id);
                size = 0;
            }
        }

        if (size > 0)
        {
            byte[] ids = _ids;
            VarInt.Write(ref ids, ref _idsUsed, (ulong)id.Length);
            id.CopyTo(ids.AsSpan(_idsUsed));
            _idsUsed += id.Length;
        }

        _count++;
    }

    /// <summary>Writes the end offset and flushes both files; no id can be added after.</summary>
    public void Finish()
    {
        FlushOffsets();
        BinaryPrimitives.WriteInt64LittleEndian(_offsets, _bytes);
        _offsetsFile.Write(_offsets, 0, 8);
        FlushIds();
    }

    /// <summary>Throws for the first document, in line order, whose id an earlier document had: merges the hashes'
    /// runs and compares the ids of equal hashes. Callable once, after <see cref="Finish"/> or, on another input
    /// error, instead of it; no id can be added after.</summary>
    /// <exception cref="InputException">An id was written twice.</exception>
    public void ThrowIfDuplicates()
    {
        FlushOffsets(); // nothing left to write after Finish
        FlushIds();
        (int Document, long Line, byte[] Id, long FirstLine) found = (int.MaxValue, 0, [], 0);
        var keyed = new List<(byte[] Id, int Document, long Line)>();
        _runs.ForEachCollision(group =>
        {
            if (group[1].Document >= found.Document)
            {
                return; // no document of this group can come before the duplicate found already
            }

            keyed.Clear();
            foreach ((int document, long line) in group)
            {
                keyed.Add((ReadId(document), document, line));
            }

            // equal ids side by side, each id's documents in order: the second of a run of equal ids is a duplicate
            keyed.Sort((a, b) => a.Id.AsSpan().SequenceCompareTo(b.Id) is int c and not 0 ? c : a.Document.CompareTo(b.Document));
            for (int i = 1; i < keyed.Count; i++)
            {
                // (a third copy comes after the second, so it never replaces it)
                if (keyed[i].Id.AsSpan().SequenceEqual(keyed[i - 1].Id) && keyed[i].Document < found.Document)
                {
                    found = (keyed[i].Document, keyed[i].Line, keyed[i].Id, keyed[i - 1].Line);
                }
            }
        });

        if (found.Document != int.MaxValue)
        {
            ThrowHelper.Input(_corpusPath, found.Line, 1,
                $"expected unique document ids, found {Quote(found.Id)} again (first on line {found.FirstLine})");
        }
    }

    /// <summary>The id of document <paramref name="document"/>, read back through <c>docids.idx</c>.</summary>
    private byte[] ReadId(int document)
    {
        Span<byte> offset = stackalloc byte[8];
        IdHashRuns.ReadExactly(_offsetsFile.SafeFileHandle, offset, (long)document * 8);
        long at = BinaryPrimitives.ReadInt64LittleEndian(offset);
        Span<byte> head = stackalloc byte[10];
        int n = RandomAccess.Read(_idsFile.SafeFileHandle, head, at);
        int pos = 0;
        int length = (int)VarInt.Read(head[..n], ref pos);
        byte[] id = new byte[length];
        IdHashRuns.ReadExactly(_idsFile.SafeFileHandle, id, at + pos);
        return id;
    }

    private void FlushOffsets()
    {
        _offsetsFile.Write(_offsets, 0, _offsetsUsed);
        _offsetsUsed = 0;
    }

    private void FlushIds()
    {
        _idsFile.Write(_ids, 0, _idsUsed);
        _idsUsed = 0;
    }

    private static string Quote(ReadOnlySpan<byte> id) => ThrowHelper.Quote(Encoding.UTF8.GetString(id));

    public void Dispose()
    {
        _idsFile.Dispose();
        _offsetsFile.Dispose();
        _runs.Dispose();
    }
}
