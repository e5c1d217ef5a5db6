namespace Lodestar.Formats.Parquet;

/// <summary>
/// Parquet's RLE / bit-packing hybrid: runs, each a varint header whose low bit says which kind; RLE: the value
/// repeated <c>header &gt;&gt; 1</c> times, in ⌈width/8⌉ little-endian bytes; bit-packed: <c>header &gt;&gt; 1</c>
/// groups of 8 values, <c>width</c> bits each, least significant bit first. Used for repetition and definition levels,
/// dictionary indices and RLE booleans.
/// </summary>
internal static class LevelDecoder
{
    /// <summary>Decodes <paramref name="count"/> values of <paramref name="width"/> bits into <paramref name="output"/>.</summary>
    /// <exception cref="FormatException">The data ends before <paramref name="count"/> values.</exception>
    public static void Decode(ReadOnlySpan<byte> data, int width, int count, List<int> output)
    {
        if (width is < 0 or > 32)
        {
            throw new FormatException($"bit width {width} is not between 0 and 32");
        }

        int pos = 0, done = 0;
        if (width == 0)
        {
            output.AddRange(Enumerable.Repeat(0, count));
            return;
        }

        int byteWidth = (width + 7) / 8;
        while (done < count)
        {
            if (pos >= data.Length)
            {
                throw new FormatException($"level data ends after {done} of {count} values");
            }

            uint header = checked((uint)Index.VarInt.ReadChecked(data, ref pos));

            if ((header & 1) == 0)
            {
                int run = (int)(header >> 1);
                if (pos + byteWidth > data.Length)
                {
                    throw new FormatException("RLE run ends early");
                }

                int value = 0;
                for (int i = 0; i < byteWidth; i++)
                {
                    value |= data[pos + i] << (8 * i);
                }

                pos += byteWidth;
                int take = Math.Min(run, count - done);
                for (int i = 0; i < take; i++)
                {
                    output.Add(value);
                }

                done += take;
            }
            else
            {
                int values = (int)(header >> 1) * 8;
                int bytes = (int)(header >> 1) * width;
                if (pos + bytes > data.Length)
                {
                    // writers may cut the last group short; read what is there
                    bytes = data.Length - pos;
                }

                ulong buffer = 0;
                int bits = 0, read = 0;
                uint mask = width == 32 ? uint.MaxValue : (1u << width) - 1;
                for (int i = 0; i < values && done < count; i++)
                {
                    while (bits < width)
                    {
                        if (read >= bytes)
                        {
                            throw new FormatException("bit-packed run ends early");
                        }

                        buffer |= (ulong)data[pos + read++] << bits;
                        bits += 8;
                    }

                    output.Add((int)(buffer & mask));
                    buffer >>= width;
                    bits -= width;
                    done++;
                }

                pos += (int)(header >> 1) * width;
            }
        }
    }

    /// <summary>Bits needed for levels up to <paramref name="max"/>.</summary>
    public static int Width(int max) => max == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)max);
}
