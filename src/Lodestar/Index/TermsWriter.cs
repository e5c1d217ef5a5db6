using System.Buffers.Binary;

namespace Lodestar.Index;

/// <summary>
/// Writes the term dictionary as the postings are written: <c>terms.bin</c>, one entry per term in order (its UTF-8
/// length and bytes, document frequency and postings length, as varints), and <c>terms.idx</c>, for each term the
/// offsets of its entry in <c>terms.bin</c> and of its postings in <c>postings.bin</c> (two little-endian int64), so
/// that a reader finds a term by binary search without loading the dictionary.
/// </summary>
internal sealed class TermsWriter(Stream terms, Stream index)
{
    private long _termsOffset;
    private long _postingsOffset;

    /// <summary>Terms written.</summary>
    public int Count { get; private set; }

    /// <summary>Writes the next term's entry; its postings, <paramref name="length"/> bytes, follow the previous
    /// term's in <c>postings.bin</c>.</summary>
    public void Add(ReadOnlySpan<byte> key, long df, long length)
    {
        Span<byte> offsets = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(offsets, _termsOffset);
        BinaryPrimitives.WriteInt64LittleEndian(offsets[8..], _postingsOffset);
        index.Write(offsets);
        Span<byte> varint = stackalloc byte[10];
        _termsOffset += Write(varint, (ulong)key.Length) + key.Length;
        terms.Write(key);
        _termsOffset += Write(varint, (ulong)df);
        _termsOffset += Write(varint, (ulong)length);
        _postingsOffset += length;
        Count++;
    }

    private int Write(Span<byte> buffer, ulong value)
    {
        int n = 0;
        while (value >= 0x80)
        {
            buffer[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[n++] = (byte)value;
        terms.Write(buffer[..n]);
        return n;
    }
}
