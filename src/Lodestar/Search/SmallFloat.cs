using System.Numerics;

namespace Lodestar.Search;

/// <summary>Lucene's one-byte document-length norm (<c>SmallFloat.intToByte4</c> / <c>byte4ToInt</c>).</summary>
/// <remarks>Lengths below 24 are exact; larger ones keep 4 significant bits (3 stored, 1 implicit).</remarks>
internal static class SmallFloat
{
    private const int NumFreeValues = 255 - 231; // 231 = LongToInt4(int.MaxValue)

    /// <summary>Encodes a length into one byte.</summary>
    public static byte IntToByte4(int i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        return i < NumFreeValues ? (byte)i : (byte)(NumFreeValues + LongToInt4(i - NumFreeValues));
    }

    /// <summary>Decodes a byte back to the (rounded-down) length.</summary>
    public static int Byte4ToInt(byte b) => b < NumFreeValues ? b : (int)(NumFreeValues + Int4ToLong(b - NumFreeValues));

    private static int LongToInt4(long i)
    {
        int numBits = 64 - BitOperations.LeadingZeroCount((ulong)i);
        if (numBits < 4)
        {
            return (int)i;
        }

        int shift = numBits - 4;
        int encoded = (int)(i >>> shift) & 0x07;
        return encoded | ((shift + 1) << 3);
    }

    private static long Int4ToLong(int i)
    {
        long bits = i & 0x07;
        int shift = (i >>> 3) - 1;
        return shift == -1 ? bits : (bits | 0x08) << shift;
    }
}
