using System.Text;
using Lodestar.Index;

namespace Lodestar.Tests.Index;

public class Crc32CTests
{
    /// <summary>A plain bitwise CRC-32C (reflected polynomial 0x82F63B78), the definition the fast paths must match.</summary>
    private static uint Reference(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }

    [Fact]
    public void CheckValue_MatchesTheStandard()
    {
        // the check value of CRC-32C (iSCSI, RFC 3720): the CRC of the ASCII digits 1 to 9
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
        // RFC 3720 B.4: 32 bytes of zeros, and of 0xFF
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
    }

    [Fact]
    public void Interleaved_EqualsTheBitwiseDefinition_AtEveryLengthAroundItsCuts()
    {
        var rng = new Random(13);
        byte[] data = new byte[BlockFile.BlockSize + 64];
        rng.NextBytes(data);
        var lengths = new List<int>();
        lengths.AddRange(Enumerable.Range(0, 64));
        lengths.AddRange(Enumerable.Range(Crc32C.InterleaveBytes - 40, 80));
        lengths.AddRange(Enumerable.Range(BlockFile.BlockSize - 30, 60));
        lengths.AddRange(Enumerable.Range(0, 40).Select(_ => rng.Next(data.Length)));
        foreach (int length in lengths)
        {
            // unaligned starts as well: the blocks of a mapped file are aligned, a test buffer's slices need not be
            for (int start = 0; start < 3; start++)
            {
                ReadOnlySpan<byte> span = data.AsSpan(start, length);
                Assert.True(Reference(span) == Crc32C.Compute(span), $"length {length} at {start}");
            }
        }
    }

    [Fact]
    public void Interleaved_DetectsEverySingleBitFlip_InAFullBlock()
    {
        var rng = new Random(7);
        byte[] block = new byte[BlockFile.BlockSize];
        rng.NextBytes(block);
        uint good = Crc32C.Compute(block);
        // one flipped bit in each of the three chains, at their joins and at the tail the chains do not cover
        int run = BlockFile.BlockSize / 24 * 8;
        foreach (int at in new[] { 0, run - 1, run, (2 * run) - 1, 2 * run, (3 * run) - 1, 3 * run, BlockFile.BlockSize - 1 })
        {
            for (int bit = 0; bit < 8; bit++)
            {
                block[at] ^= (byte)(1 << bit);
                Assert.NotEqual(good, Crc32C.Compute(block));
                Assert.Equal(Reference(block), Crc32C.Compute(block));
                block[at] ^= (byte)(1 << bit);
            }
        }
    }

    [Fact]
    public void ShiftOf_IsTheRegisterAfterThatManyZeroBytes()
    {
        // running the raw register (no pre/post inversion) over n zero bytes multiplies it by x^(8n) mod P
        foreach (int n in new[] { 0, 1, 2, 7, 8, 100, 21_840, 43_680 })
        {
            uint register = 0x12345678;
            uint stepped = register;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < 8; j++)
                {
                    stepped = (stepped & 1) != 0 ? (stepped >> 1) ^ 0x82F63B78 : stepped >> 1;
                }
            }

            Assert.Equal(stepped, Crc32C.MultiplyModP(register, Crc32C.ShiftOf(n)));
        }
    }
}
