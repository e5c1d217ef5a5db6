namespace Lodestar.Index;

/// <summary>LEB128 variable-length integers (7 bits a byte, low bits first), the postings' compression.</summary>
internal static class VarInt
{
    /// <summary>Appends <paramref name="value"/> to <paramref name="buffer"/> at <paramref name="pos"/>, growing it.</summary>
    public static void Write(ref byte[] buffer, ref int pos, ulong value)
    {
        if (pos + 10 > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, pos + 10));
        }

        while (value >= 0x80)
        {
            buffer[pos++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[pos++] = (byte)value;
    }

    /// <summary>Writes <paramref name="value"/> to a stream.</summary>
    public static void Write(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }

    /// <summary>The bytes <paramref name="value"/> takes as a varint.</summary>
    public static int Size(ulong value)
    {
        int n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    /// <summary>Reads one value at <paramref name="pos"/> and advances it.</summary>
    public static ulong Read(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        int shift = 0;
        byte b;
        do
        {
            b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);

        return value;
    }
}
