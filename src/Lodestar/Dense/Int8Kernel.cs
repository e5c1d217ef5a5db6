using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lodestar.Dense;

/// <summary>
/// Exact int8 inner products for the flat scan: a tile of 4 rows × 4 queries with AVX-VNNI <c>vpdpbusd</c>
/// (32 multiply-adds per instruction; the rows as memory operands so the 16 accumulators and the query fit the 16
/// registers a VEX-encoded <c>vpdpbusd</c> can name), or AVX2 <c>vpmaddwd</c> one pair at a time where VNNI is missing.
/// </summary>
/// <remarks>
/// <c>vpdpbusd</c> multiplies unsigned by signed bytes, so the query goes in as <c>q + 128</c> (a byte) and the
/// kernel subtracts <c>128·Σr</c> per row: Σ(q + 128)·r − 128·Σr = Σq·r. The sums are int32 and exact (|q·r| ≤ 127²,
/// no saturation), so every path and order gives the same integer.
/// </remarks>
internal static unsafe class Int8Kernel
{
    /// <summary>Queries per tile.</summary>
    public const int QueryTile = 4;

    /// <summary>Whether the VNNI tile runs (else one pair at a time).</summary>
    public static bool Vnni => AvxVnni.IsSupported;

    /// <summary>The query as bytes for <c>vpdpbusd</c>: <c>q + 128</c>.</summary>
    public static void Offset(ReadOnlySpan<sbyte> query, Span<byte> output)
    {
        for (int i = 0; i < query.Length; i++)
        {
            output[i] = (byte)(query[i] + 128);
        }
    }

    /// <summary>Σ r over each of <paramref name="rows"/> consecutive rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowSums(sbyte* row, int rows, int d, int* sums)
    {
        for (int r = 0; r < rows; r++)
        {
            sbyte* x = row + ((long)r * d);
            int s = 0, i = 0;
            if (Avx2.IsSupported)
            {
                Vector256<int> acc = Vector256<int>.Zero;
                Vector256<short> ones = Vector256.Create((short)1);
                for (; i + 16 <= d; i += 16)
                {
                    acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(x + i), ones));
                }

                s = Vector256.Sum(acc);
            }

            for (; i < d; i++)
            {
                s += x[i];
            }

            sums[r] = s;
        }
    }

    /// <summary>
    /// Σq·r of 4 consecutive rows (rows past <paramref name="rows"/> repeat row 0) against <see cref="QueryTile"/>
    /// queries: <c>dots[4·j + r]</c>. <paramref name="query"/> holds the signed queries and <paramref name="offset"/>
    /// the same as <c>q + 128</c> bytes, each <paramref name="stride"/> bytes apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoreTile(sbyte* row, int rows, int d, int* rowSums, sbyte* query, byte* offset, int stride, int* dots)
    {
        sbyte* r1 = row + (rows > 1 ? d : 0), r2 = row + (rows > 2 ? 2 * d : 0), r3 = row + (rows > 3 ? 3 * d : 0);
        if (!AvxVnni.IsSupported)
        {
            ScoreTilePairs(row, rows, d, query, stride, dots);
            return;
        }

        int body = d - (d % 32);
        Vector512<int> sums = Tile(row, r1, r2, r3, body, offset, stride);
        Vector128<int> correction = Vector128.Load(rowSums) * 128;
        Vector128<int> d0 = sums.GetLower().GetLower() - correction, d1 = sums.GetLower().GetUpper() - correction;
        Vector128<int> d2 = sums.GetUpper().GetLower() - correction, d3 = sums.GetUpper().GetUpper() - correction;
        d0.Store(dots);
        d1.Store(dots + 4);
        d2.Store(dots + 8);
        d3.Store(dots + 12);
        if (body == d)
        {
            return;
        }

        for (int j = 0; j < QueryTile; j++)
        {
            // the tail with the offset query too, since the correction covers every element of the row
            byte* q = offset + (j * stride);
            for (int r = 0; r < 4; r++)
            {
                sbyte* x = r == 0 ? row : r == 1 ? r1 : r == 2 ? r2 : r3;
                int s = 0;
                for (int i = body; i < d; i++)
                {
                    s += x[i] * q[i];
                }

                dots[(4 * j) + r] += s;
            }
        }
    }

    /// <summary><see cref="ScoreTile"/> where AVX-VNNI is missing: one pair at a time with <see cref="Dot"/>.</summary>
    public static void ScoreTilePairs(sbyte* row, int rows, int d, sbyte* query, int stride, int* dots)
    {
        sbyte* r1 = row + (rows > 1 ? d : 0), r2 = row + (rows > 2 ? 2 * d : 0), r3 = row + (rows > 3 ? 3 * d : 0);
        for (int j = 0; j < QueryTile; j++)
        {
            sbyte* q = query + (j * stride);
            dots[4 * j] = Dot(row, q, d);
            dots[(4 * j) + 1] = Dot(r1, q, d);
            dots[(4 * j) + 2] = Dot(r2, q, d);
            dots[(4 * j) + 3] = Dot(r3, q, d);
        }
    }

    /// <summary>
    /// The VNNI tile: Σ(q + 128)·r over the first <paramref name="body"/> (a multiple of 32) bytes of rows
    /// <paramref name="r0"/>…<paramref name="r3"/> against the 4 offset queries from <paramref name="offset"/>, lane
    /// <c>4·j + r</c> for query j and row r, uncorrected (subtract <c>128·Σr</c>). 16 accumulators plus a query
    /// register fit the 16 registers VEX-encoded <c>vpdpbusd</c> can name when the rows are memory operands.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Tile(sbyte* r0, sbyte* r1, sbyte* r2, sbyte* r3, int body, byte* offset, int stride)
    {
        byte* o1 = offset + stride, o2 = offset + (2 * stride), o3 = offset + (3 * stride);
        Vector256<int> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector256<int> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector256<int> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector256<int> a30 = default, a31 = default, a32 = default, a33 = default;
        for (int i = 0; i < body; i += 32)
        {
            Vector256<byte> q = Vector256.Load(offset + i);
            a00 = AvxVnni.MultiplyWideningAndAdd(a00, q, Vector256.Load(r0 + i));
            a01 = AvxVnni.MultiplyWideningAndAdd(a01, q, Vector256.Load(r1 + i));
            a02 = AvxVnni.MultiplyWideningAndAdd(a02, q, Vector256.Load(r2 + i));
            a03 = AvxVnni.MultiplyWideningAndAdd(a03, q, Vector256.Load(r3 + i));
            q = Vector256.Load(o1 + i);
            a10 = AvxVnni.MultiplyWideningAndAdd(a10, q, Vector256.Load(r0 + i));
            a11 = AvxVnni.MultiplyWideningAndAdd(a11, q, Vector256.Load(r1 + i));
            a12 = AvxVnni.MultiplyWideningAndAdd(a12, q, Vector256.Load(r2 + i));
            a13 = AvxVnni.MultiplyWideningAndAdd(a13, q, Vector256.Load(r3 + i));
            q = Vector256.Load(o2 + i);
            a20 = AvxVnni.MultiplyWideningAndAdd(a20, q, Vector256.Load(r0 + i));
            a21 = AvxVnni.MultiplyWideningAndAdd(a21, q, Vector256.Load(r1 + i));
            a22 = AvxVnni.MultiplyWideningAndAdd(a22, q, Vector256.Load(r2 + i));
            a23 = AvxVnni.MultiplyWideningAndAdd(a23, q, Vector256.Load(r3 + i));
            q = Vector256.Load(o3 + i);
            a30 = AvxVnni.MultiplyWideningAndAdd(a30, q, Vector256.Load(r0 + i));
            a31 = AvxVnni.MultiplyWideningAndAdd(a31, q, Vector256.Load(r1 + i));
            a32 = AvxVnni.MultiplyWideningAndAdd(a32, q, Vector256.Load(r2 + i));
            a33 = AvxVnni.MultiplyWideningAndAdd(a33, q, Vector256.Load(r3 + i));
        }

        return Vector512.Create(
            Vector256.Create(Reduce4(a00, a01, a02, a03), Reduce4(a10, a11, a12, a13)),
            Vector256.Create(Reduce4(a20, a21, a22, a23), Reduce4(a30, a31, a32, a33)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Reduce4(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d)
    {
        Vector256<int> h = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a, b), Avx2.HorizontalAdd(c, d));
        return h.GetLower() + h.GetUpper();
    }

    /// <summary>Σ a[i]·b[i] over int8 (AVX2: sign-extend 16 bytes to int16, <c>vpmaddwd</c> into int32 lanes).</summary>
    public static int Dot(sbyte* a, sbyte* b, int n)
    {
        int i = 0, sum = 0;
        if (Avx2.IsSupported)
        {
            Vector256<int> acc0 = Vector256<int>.Zero, acc1 = Vector256<int>.Zero;
            for (; i + 32 <= n; i += 32)
            {
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(a + i), Avx2.ConvertToVector256Int16(b + i)));
                acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(a + i + 16), Avx2.ConvertToVector256Int16(b + i + 16)));
            }

            sum = Vector256.Sum(Avx2.Add(acc0, acc1));
        }

        for (; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
