using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lodestar.Dense;

/// <summary>
/// Float32 inner products for the flat scan: one query against row tiles (memory-bound) and a register-blocked
/// GEMM-style tile of 4 rows × 4 queries (compute-bound), both with the same arithmetic per (row, query) pair, so a
/// batched search returns bit-identical scores to one query at a time.
/// </summary>
/// <remarks>
/// The order of a score (fixed, so that every path agrees): lane l of one accumulator of <see cref="Lanes"/> floats
/// runs a fused multiply-add chain over elements l, l + Lanes, …, below <c>d − d mod Lanes</c>; the lanes are then
/// reduced pairwise (<see cref="Reduce4"/>) and the last <c>d mod Lanes</c> elements are added one fused multiply-add
/// at a time. <see cref="Lanes"/> is 16 where AVX-512 is accelerated and 8 otherwise, so scores can differ between
/// machines in the last bits, never between paths on one machine. Queries are copied zero-padded to a multiple of
/// <see cref="Lanes"/>; rows are read in place.
/// </remarks>
internal static unsafe class Float32Kernel
{
    /// <summary>Floats per accumulator.</summary>
    public static int Lanes => Vector512.IsHardwareAccelerated ? 16 : 8;

    /// <summary>Queries per register tile.</summary>
    public const int QueryTile = 4;

    /// <summary>Rows per register tile.</summary>
    public const int RowTile = 4;

    /// <summary>One score, in the kernel's order (the reference for tests and rescoring).</summary>
    public static float Dot(float* row, float* query, int d)
    {
        float* scores = stackalloc float[4];
        Score4(row, 1, d, query, scores);
        return scores[0];
    }

    /// <summary>Scores of <paramref name="rows"/> (≤ 4) consecutive rows against one query.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Score4(float* row, int rows, int d, float* query, float* scores)
    {
        int body = d - (d % Lanes);
        if (Lanes == 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            float* r1 = row + (rows > 1 ? d : 0), r2 = row + (rows > 2 ? 2 * d : 0), r3 = row + (rows > 3 ? 3 * d : 0);
            for (int i = 0; i < body; i += 16)
            {
                Vector512<float> q = Vector512.Load(query + i);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(row + i), q, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(r1 + i), q, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Load(r2 + i), q, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Load(r3 + i), q, a3);
            }

            Reduce4(Fold(a0), Fold(a1), Fold(a2), Fold(a3)).Store(scores);
        }
        else
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            float* r1 = row + (rows > 1 ? d : 0), r2 = row + (rows > 2 ? 2 * d : 0), r3 = row + (rows > 3 ? 3 * d : 0);
            for (int i = 0; i < body; i += 8)
            {
                Vector256<float> q = Vector256.Load(query + i);
                a0 = Vector256.FusedMultiplyAdd(Vector256.Load(row + i), q, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.Load(r1 + i), q, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.Load(r2 + i), q, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.Load(r3 + i), q, a3);
            }

            Reduce4(a0, a1, a2, a3).Store(scores);
        }

        AddTail(row, rows, d, body, query, scores);
    }

    /// <summary>
    /// Scores of 4 consecutive rows against <see cref="QueryTile"/> queries (each <paramref name="stride"/> floats
    /// apart): <c>scores[4·j + r]</c> is row r against query j. Rows past <paramref name="rows"/> repeat row 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScoreTile(float* row, int rows, int d, float* query, int stride, float* scores)
    {
        int body = d - (d % Lanes);
        float* r1 = row + (rows > 1 ? d : 0), r2 = row + (rows > 2 ? 2 * d : 0), r3 = row + (rows > 3 ? 3 * d : 0);
        float* q1 = query + stride, q2 = query + (2 * stride), q3 = query + (3 * stride);
        if (Lanes == 16)
        {
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
            for (int i = 0; i < body; i += 16)
            {
                Vector512<float> x0 = Vector512.Load(row + i), x1 = Vector512.Load(r1 + i), x2 = Vector512.Load(r2 + i), x3 = Vector512.Load(r3 + i);
                Vector512<float> q = Vector512.Load(query + i);
                a00 = Vector512.FusedMultiplyAdd(x0, q, a00);
                a01 = Vector512.FusedMultiplyAdd(x1, q, a01);
                a02 = Vector512.FusedMultiplyAdd(x2, q, a02);
                a03 = Vector512.FusedMultiplyAdd(x3, q, a03);
                q = Vector512.Load(q1 + i);
                a10 = Vector512.FusedMultiplyAdd(x0, q, a10);
                a11 = Vector512.FusedMultiplyAdd(x1, q, a11);
                a12 = Vector512.FusedMultiplyAdd(x2, q, a12);
                a13 = Vector512.FusedMultiplyAdd(x3, q, a13);
                q = Vector512.Load(q2 + i);
                a20 = Vector512.FusedMultiplyAdd(x0, q, a20);
                a21 = Vector512.FusedMultiplyAdd(x1, q, a21);
                a22 = Vector512.FusedMultiplyAdd(x2, q, a22);
                a23 = Vector512.FusedMultiplyAdd(x3, q, a23);
                q = Vector512.Load(q3 + i);
                a30 = Vector512.FusedMultiplyAdd(x0, q, a30);
                a31 = Vector512.FusedMultiplyAdd(x1, q, a31);
                a32 = Vector512.FusedMultiplyAdd(x2, q, a32);
                a33 = Vector512.FusedMultiplyAdd(x3, q, a33);
            }

            Reduce4(Fold(a00), Fold(a01), Fold(a02), Fold(a03)).Store(scores);
            Reduce4(Fold(a10), Fold(a11), Fold(a12), Fold(a13)).Store(scores + 4);
            Reduce4(Fold(a20), Fold(a21), Fold(a22), Fold(a23)).Store(scores + 8);
            Reduce4(Fold(a30), Fold(a31), Fold(a32), Fold(a33)).Store(scores + 12);
        }
        else
        {
            // AVX2 has 16 registers: two queries at a time keep 8 accumulators, 4 rows and a query in registers
            ScoreTile256(row, r1, r2, r3, body, query, q1, scores);
            ScoreTile256(row, r1, r2, r3, body, q2, q3, scores + 8);
        }

        for (int j = 0; j < QueryTile; j++)
        {
            AddTail(row, rows, d, body, query + (j * stride), scores + (4 * j));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoreTile256(float* r0, float* r1, float* r2, float* r3, int body, float* qa, float* qb, float* scores)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        for (int i = 0; i < body; i += 8)
        {
            Vector256<float> x0 = Vector256.Load(r0 + i), x1 = Vector256.Load(r1 + i), x2 = Vector256.Load(r2 + i), x3 = Vector256.Load(r3 + i);
            Vector256<float> q = Vector256.Load(qa + i);
            a0 = Vector256.FusedMultiplyAdd(x0, q, a0);
            a1 = Vector256.FusedMultiplyAdd(x1, q, a1);
            a2 = Vector256.FusedMultiplyAdd(x2, q, a2);
            a3 = Vector256.FusedMultiplyAdd(x3, q, a3);
            q = Vector256.Load(qb + i);
            b0 = Vector256.FusedMultiplyAdd(x0, q, b0);
            b1 = Vector256.FusedMultiplyAdd(x1, q, b1);
            b2 = Vector256.FusedMultiplyAdd(x2, q, b2);
            b3 = Vector256.FusedMultiplyAdd(x3, q, b3);
        }

        Reduce4(a0, a1, a2, a3).Store(scores);
        Reduce4(b0, b1, b2, b3).Store(scores + 4);
    }

    private static void AddTail(float* row, int rows, int d, int body, float* query, float* scores)
    {
        for (int r = 0; r < rows; r++)
        {
            float* x = row + ((long)r * d);
            float s = scores[r];
            for (int i = body; i < d; i++)
            {
                s = MathF.FusedMultiplyAdd(x[i], query[i], s);
            }

            scores[r] = s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> a) => a.GetLower() + a.GetUpper();

    /// <summary>Four 8-lane accumulators to their four sums: lanes pairwise ((0+1)+(2+3)) + ((4+5)+(6+7)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Reduce4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        if (Avx.IsSupported)
        {
            Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(c, d));
            return h.GetLower() + h.GetUpper();
        }

        return Vector128.Create(Sum8(a), Sum8(b), Sum8(c), Sum8(d));
    }

    private static float Sum8(Vector256<float> v) => ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
}
