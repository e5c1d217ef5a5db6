using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Lodestar.Errors;

namespace Lodestar.Index;

/// <summary>
/// Writes the external ids (<c>docids.bin</c>: varint length and UTF-8 bytes per document; <c>docids.idx</c>: the
/// int64 offset of each, and the end) and checks that they are unique, keeping only a 64-bit hash of each id in
/// memory (8 bytes a slot, the table sized for 75 % and grown by half past 85 %) and the ids' line numbers as varint steps (about a byte each).
/// </summary>
/// <remarks>
/// An id whose hash is already in the table is compared, byte for byte, with the ids written before it, read back from
/// <c>docids.bin</c>; only then is it a duplicate, reported at its line with the line of the first one. Distinct ids
/// whose 64-bit hashes collide cost that one scan and nothing else. The ids are not kept as strings or bytes, so a
/// corpus of long ids costs no more memory than one of short ones.
/// </remarks>
internal sealed class DocIdWriter : IDisposable
{
    /// <summary>A 64-bit hash of an id's UTF-8 bytes.</summary>
    public delegate ulong IdHash(ReadOnlySpan<byte> id);

    /// <summary>The load a table is sized for.</summary>
    private const double SizedLoad = 0.75;

    /// <summary>The load past which it grows (by half): linear probing over 8-byte slots, 8 to a cache line, stays
    /// short up to here, and the table is a third smaller than a power of two at 0.7 would often be.</summary>
    private const double MaxLoad = 0.85;

    private readonly string _corpusPath;
    private readonly IdHash _hash;
    private const int BufferBytes = 1 << 16;

    private readonly FileStream _idsFile;
    private readonly FileStream _offsetsFile;
    private readonly byte[] _ids = new byte[BufferBytes]; // docids.bin's bytes not yet written
    private readonly byte[] _offsets = new byte[BufferBytes]; // docids.idx's
    private byte[] _lineSteps = new byte[BufferBytes];
    private int _idsUsed;
    private int _offsetsUsed;
    private int _lineStepsUsed;
    private ulong[]? _slots; // hash, with 0 mapped to 1; 0 = empty
    private int _count;
    private long _bytes;
    private long _lastLine;

    /// <summary>Creates <c>docids.bin</c> and <c>docids.idx</c> in <paramref name="directory"/>; <paramref name="hash"/>
    /// replaces <see cref="Utf8Hash.Of"/> (tests force collisions with it).</summary>
    public DocIdWriter(string directory, string corpusPath, IdHash? hash = null)
    {
        _corpusPath = corpusPath;
        _hash = hash ?? Utf8Hash.Of;
        _idsFile = new FileStream(Path.Combine(directory, "docids.bin"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1);
        _offsetsFile = new FileStream(Path.Combine(directory, "docids.idx"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
    }

    /// <summary>Documents written.</summary>
    public int Count => _count;

    /// <summary>Sizes the table for about <paramref name="documents"/> ids (a guess; it grows when passed).</summary>
    public void Expect(int documents) =>
        _slots ??= new ulong[Math.Max(1024, (int)Math.Min(1 << 28, documents / SizedLoad + 1))];

    /// <summary>A hash's home slot in a table of <paramref name="length"/> slots: its high 32 bits scaled to the
    /// length (any length, not only powers of two).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Home(ulong hash, int length) => (int)(((hash >> 32) * (ulong)(uint)length) >> 32);

    /// <summary>Writes the next document's id, found on line <paramref name="line"/> of the corpus.</summary>
    /// <exception cref="InputException">The id was already written.</exception>
    public void Add(ReadOnlySpan<byte> id, long line) => Add(id, line, _hash(id));

    /// <summary>Writes the next document's id, whose hash the caller computed with this writer's hash function (the
    /// build's workers do, so that the writer only probes the table).</summary>
    /// <exception cref="InputException">The id was already written.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> id, long line, ulong hash)
    {
        Expect(1024);
        hash = hash == 0 ? 1 : hash;
        ulong[] slots = _slots!;
        int slot = Home(hash, slots.Length);
        bool seen = false;
        while (slots[slot] != 0 && !seen)
        {
            seen = slots[slot] == hash;
            slot = slot + 1 == slots.Length ? 0 : slot + 1;
        }

        if (seen)
        {
            // the hash is there already: one scan tells a duplicate from a collision, and the table needs the hash once
            if (FirstLineOf(id) is long first)
            {
                ThrowHelper.Input(_corpusPath, line, 1,
                    $"expected unique document ids, found {Quote(id)} again (first on line {first})");
            }
        }
        else
        {
            slots[slot] = hash;
        }

        if (_offsetsUsed + 8 > _offsets.Length)
        {
            _offsetsFile.Write(_offsets, 0, _offsetsUsed);
            _offsetsUsed = 0;
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

        VarInt.Write(ref _lineSteps, ref _lineStepsUsed, (ulong)(line - _lastLine));
        _lastLine = line;
        if (++_count > slots.Length * MaxLoad) // counts every id, so the table grows early when hashes collide: harmless
        {
            Grow();
        }
    }

    /// <summary>Asks the CPU to fetch the table slot of an id hashed to <paramref name="hash"/>, which
    /// <see cref="Add(ReadOnlySpan{byte}, long, ulong)"/> will probe a few documents later: the table is too large for
    /// the cache, and its probes are random.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(ulong hash)
    {
        if (Sse.IsSupported && _slots is ulong[] slots)
        {
            hash = hash == 0 ? 1 : hash;
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(slots), Home(hash, slots.Length))));
        }
    }

    /// <summary>Writes the end offset, flushes both files and lets go of the table; no id can be added after.</summary>
    public void Finish()
    {
        if (_offsetsUsed + 8 > _offsets.Length)
        {
            _offsetsFile.Write(_offsets, 0, _offsetsUsed);
            _offsetsUsed = 0;
        }

        BinaryPrimitives.WriteInt64LittleEndian(_offsets.AsSpan(_offsetsUsed), _bytes);
        _offsetsFile.Write(_offsets, 0, _offsetsUsed + 8);
        _offsetsUsed = 0;
        FlushIds();
        _slots = null; // the table (8 bytes a slot) is no longer needed: the postings are written without it
        _lineSteps = [];
    }

    private void FlushIds()
    {
        _idsFile.Write(_ids, 0, _idsUsed);
        _idsUsed = 0;
    }

    /// <summary>The line of the id equal to <paramref name="id"/> among those written, or null when none is (the hashes
    /// collided): a scan of <c>docids.bin</c>, then of the line steps.</summary>
    private long? FirstLineOf(ReadOnlySpan<byte> id)
    {
        FlushIds();
        long end = _idsFile.Position;
        _idsFile.Position = 0;
        try
        {
            var reader = new BufferedStream(_idsFile, 1 << 16); // not disposed: that would close the file
            byte[] buffer = new byte[Math.Max(4096, id.Length)];
            for (int doc = 0; doc < _count; doc++)
            {
                int length = (int)ReadVarInt(reader);
                if (length == id.Length)
                {
                    reader.ReadExactly(buffer, 0, length);
                    if (id.SequenceEqual(buffer.AsSpan(0, length)))
                    {
                        return LineOf(doc);
                    }

                    continue;
                }

                // skipped by reading, not seeking: a seek would drop the buffer and read it again for every id
                for (int left = length; left > 0; left -= Math.Min(left, buffer.Length))
                {
                    reader.ReadExactly(buffer, 0, Math.Min(left, buffer.Length));
                }
            }

            return null;
        }
        finally
        {
            _idsFile.Position = end;
        }
    }

    private long LineOf(int doc)
    {
        byte[] steps = _lineSteps;
        int pos = 0;
        long line = 0;
        for (int i = 0; i <= doc; i++)
        {
            line += (long)VarInt.Read(steps, ref pos);
        }

        return line;
    }

    private static ulong ReadVarInt(Stream stream)
    {
        ulong value = 0;
        int shift = 0;
        int b;
        do
        {
            b = stream.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException("docids.bin ended inside an id");
            }

            value |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);

        return value;
    }

    /// <summary>Grows the table by half, re-placing the hashes it holds.</summary>
    private void Grow()
    {
        var slots = new ulong[_slots!.Length + (_slots.Length / 2)];
        foreach (ulong hash in _slots)
        {
            if (hash != 0)
            {
                int i = Home(hash, slots.Length);
                while (slots[i] != 0)
                {
                    i = i + 1 == slots.Length ? 0 : i + 1;
                }

                slots[i] = hash;
            }
        }

        _slots = slots;
    }

    private static string Quote(ReadOnlySpan<byte> id) => ThrowHelper.Quote(Encoding.UTF8.GetString(id));

    public void Dispose()
    {
        _idsFile.Dispose();
        _offsetsFile.Dispose();
    }
}
