namespace Lodestar.Formats.Parquet;

/// <summary>
/// Parquet's delta encodings, which writers of format 2 fall back to when a dictionary grows too large:
/// DELTA_BINARY_PACKED (a header of block size, miniblocks per block, value count and first value; then per block a
/// zigzag minimum delta, one bit width per miniblock, and the miniblocks bit-packed, LSB first),
/// DELTA_LENGTH_BYTE_ARRAY (delta-packed lengths, then the bytes back to back) and DELTA_BYTE_ARRAY (delta-packed
/// prefix lengths shared with the previous value, then the suffixes as DELTA_LENGTH_BYTE_ARRAY).
/// </summary>
internal static class DeltaDecoder
{
    /// <summary>Decodes a DELTA_BINARY_PACKED run starting at <paramref name="pos"/>, which it advances.</summary>
    public static long[] BinaryPacked(ReadOnlySpan<byte> data, ref int pos)
    {
        int blockSize = checked((int)Varint(data, ref pos));
        int miniblocks = checked((int)Varint(data, ref pos));
        int total = checked((int)Varint(data, ref pos));
        long last = Zigzag(Varint(data, ref pos));
        if (miniblocks <= 0 || blockSize <= 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 8 != 0)
        {
            throw new FormatException($"delta header: block of {blockSize} values in {miniblocks} miniblocks");
        }

        var values = new long[total];
        if (total == 0)
        {
            return values;
        }

        values[0] = last;
        int n = 1, perMini = blockSize / miniblocks;
        while (n < total)
        {
            long minDelta = Zigzag(Varint(data, ref pos));
            if (pos + miniblocks > data.Length)
            {
                throw new FormatException("delta block ends early");
            }

            ReadOnlySpan<byte> widths = data.Slice(pos, miniblocks);
            pos += miniblocks;
            for (int m = 0; m < miniblocks && n < total; m++)
            {
                int width = widths[m];
                if (width > 64)
                {
                    throw new FormatException($"delta miniblock of width {width}");
                }

                int bytes = perMini * width / 8;
                if (pos + bytes > data.Length)
                {
                    throw new FormatException("delta miniblock ends early");
                }

                ReadOnlySpan<byte> packed = data.Slice(pos, bytes);
                for (int j = 0; j < perMini && n < total; j++)
                {
                    last += minDelta + (long)Bits(packed, j * width, width);
                    values[n++] = last;
                }

                pos += bytes;
            }
        }

        return values;
    }

    /// <summary>DELTA_LENGTH_BYTE_ARRAY values starting at <paramref name="pos"/>.</summary>
    public static byte[][] LengthByteArray(ReadOnlySpan<byte> data, ref int pos)
    {
        long[] lengths = BinaryPacked(data, ref pos);
        var values = new byte[lengths.Length][];
        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 0 || pos + lengths[i] > data.Length)
            {
                throw new FormatException($"value {i} of {lengths[i]} bytes runs past the page");
            }

            values[i] = data.Slice(pos, (int)lengths[i]).ToArray();
            pos += (int)lengths[i];
        }

        return values;
    }

    /// <summary>DELTA_BYTE_ARRAY values (front coding).</summary>
    public static byte[][] ByteArray(ReadOnlySpan<byte> data)
    {
        int pos = 0;
        long[] prefixes = BinaryPacked(data, ref pos);
        byte[][] suffixes = LengthByteArray(data, ref pos);
        if (suffixes.Length != prefixes.Length)
        {
            throw new FormatException($"{prefixes.Length} prefix lengths but {suffixes.Length} suffixes");
        }

        var values = new byte[prefixes.Length][];
        byte[] previous = [];
        for (int i = 0; i < values.Length; i++)
        {
            if (prefixes[i] < 0 || prefixes[i] > previous.Length)
            {
                throw new FormatException($"value {i} shares {prefixes[i]} bytes with a previous value of {previous.Length}");
            }

            values[i] = [.. previous.AsSpan(0, (int)prefixes[i]), .. suffixes[i]];
            previous = values[i];
        }

        return values;
    }

    private static ulong Bits(ReadOnlySpan<byte> data, int bitOffset, int width)
    {
        ulong value = 0;
        for (int done = 0; done < width;)
        {
            int at = bitOffset + done;
            int take = Math.Min(8 - (at & 7), width - done);
            ulong bits = (ulong)((data[at >> 3] >> (at & 7)) & ((1 << take) - 1));
            value |= bits << done;
            done += take;
        }

        return value;
    }

    private static ulong Varint(ReadOnlySpan<byte> data, ref int pos) => Index.VarInt.ReadChecked(data, ref pos);

    private static long Zigzag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);
}
