namespace Lodestar.Formats.Parquet;

/// <summary>
/// Snappy decompression (the raw block format Parquet uses), in the core so that it needs no package: a varint
/// uncompressed length, then elements tagged by their low two bits: 0 literal (length in the tag, or in 1–4 bytes
/// after it), 1 copy with an 11-bit offset, 2 copy with a 16-bit offset, 3 copy with a 32-bit offset.
/// </summary>
public static class Snappy
{
    /// <summary>Decompresses <paramref name="input"/>.</summary>
    /// <exception cref="FormatException">Corrupt or truncated data.</exception>
    public static byte[] Decompress(ReadOnlySpan<byte> input)
    {
        int pos = 0;
        ulong length = Index.VarInt.ReadChecked(input, ref pos);

        if (length > int.MaxValue)
        {
            throw new FormatException("snappy: block too large");
        }

        var output = new byte[length];
        int op = 0;
        while (pos < input.Length)
        {
            byte tag = input[pos++];
            int len, offset;
            switch (tag & 3)
            {
                case 0:
                    len = tag >> 2;
                    if (len >= 60)
                    {
                        int n = len - 59;
                        if (pos + n > input.Length)
                        {
                            throw new FormatException("snappy: truncated literal length");
                        }

                        len = 0;
                        for (int i = 0; i < n; i++)
                        {
                            len |= input[pos + i] << (8 * i);
                        }

                        pos += n;
                    }

                    len++;
                    if (len <= 0 || pos + len > input.Length || op + len > output.Length)
                    {
                        throw new FormatException("snappy: literal runs past the end");
                    }

                    input.Slice(pos, len).CopyTo(output.AsSpan(op));
                    pos += len;
                    op += len;
                    continue;
                case 1:
                    if (pos >= input.Length)
                    {
                        throw new FormatException("snappy: truncated copy");
                    }

                    len = ((tag >> 2) & 7) + 4;
                    offset = ((tag >> 5) << 8) | input[pos++];
                    break;
                case 2:
                    if (pos + 2 > input.Length)
                    {
                        throw new FormatException("snappy: truncated copy");
                    }

                    len = (tag >> 2) + 1;
                    offset = input[pos] | (input[pos + 1] << 8);
                    pos += 2;
                    break;
                default:
                    if (pos + 4 > input.Length)
                    {
                        throw new FormatException("snappy: truncated copy");
                    }

                    len = (tag >> 2) + 1;
                    offset = BitConverter.ToInt32(input.Slice(pos, 4));
                    pos += 4;
                    break;
            }

            if (offset <= 0 || offset > op || op + len > output.Length)
            {
                throw new FormatException($"snappy: copy of {len} bytes from offset {offset} at {op} is out of bounds");
            }

            if (offset >= len)
            {
                output.AsSpan(op - offset, len).CopyTo(output.AsSpan(op));
                op += len;
            }
            else
            {
                for (int i = 0; i < len; i++, op++)
                {
                    output[op] = output[op - offset];
                }
            }
        }

        return op == output.Length ? output : throw new FormatException($"snappy: {op} bytes decoded, the header said {output.Length}");
    }
}
