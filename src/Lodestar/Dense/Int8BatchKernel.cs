using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Lodestar.Dense;

/// <summary>One (query, row, score) pair reported by an <see cref="Int8BatchKernel"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Int8Candidate
{
    /// <summary>The query's index in the batch.</summary>
    public int Query;

    /// <summary>The row.</summary>
    public int Row;

    /// <summary><c>(float)Σq·r · scale[row] · queryScale</c>.</summary>
    public float Score;
}

/// <summary>
/// An optional accelerated kernel for the batched int8 scan (<see cref="VectorIndex.SearchManyInt8(IReadOnlyList{float[]}, int, int, int, bool)"/>), such as
/// Lodestar.Dense.Native's AVX-512 VNNI library: it packs a block of rows once and scores it against every query,
/// reporting the (query, row, score) pairs above each query's threshold. The core has no native code; a host registers
/// a factory with <see cref="Register"/> and the managed kernel runs wherever none is registered or it declines.
/// </summary>
/// <remarks>
/// Contract: the integer dot Σq·r is exact, and the score is <c>(float)dot · scale[row] · queryScale</c> with two
/// separate float multiplies in that order (what the managed scan computes), so results are identical to the managed
/// kernel's, row for row and bit for bit. Each query's rows are reported in ascending order.
/// </remarks>
public abstract unsafe class Int8BatchKernel
{
    private static readonly Lock s_gate = new();
    private static Func<(Int8BatchKernel? Kernel, string Why)>? s_factory;
    private static (Int8BatchKernel? Kernel, string Why)? s_resolved;

    /// <summary>A short name for reports, such as <c>native AVX-512 VNNI (liblodestar_dense.so)</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Bytes of the packed form of <paramref name="rows"/> rows of <paramref name="d"/> dimensions.</summary>
    public abstract long PackedBytes(int rows, int d);

    /// <summary>Packs <paramref name="count"/> consecutive int8 rows into <paramref name="packed"/> (64-byte aligned,
    /// <see cref="PackedBytes"/> long).</summary>
    public abstract void Pack(sbyte* rows, int count, int d, byte* packed);

    /// <summary>
    /// Scores the <paramref name="rows"/> packed rows (the first is <paramref name="firstRow"/>; <paramref name="scales"/>
    /// are theirs) against queries [<paramref name="next"/>, <paramref name="queryEnd"/>): int8 queries
    /// <paramref name="stride"/> bytes apart, zero past d, with their Σq in <paramref name="sums"/>, their scales and
    /// thresholds. Appends each pair whose score is above its query's threshold to <paramref name="output"/>, stopping
    /// before the queries that might not fit in <paramref name="capacity"/>; advances <paramref name="next"/> and returns
    /// the number appended.
    /// </summary>
    public abstract int Scan(byte* packed, int rows, int d, int firstRow, float* scales, sbyte* queries, int stride, int* sums,
        float* queryScales, float* thresholds, ref int next, int queryEnd, Int8Candidate* output, int capacity);

    /// <summary>Registers the factory of the accelerated kernel, called once on first use; it returns the kernel, or
    /// null and why not (no library, no CPU support, forced off). Replaces an earlier registration not yet used.</summary>
    public static void Register(Func<(Int8BatchKernel? Kernel, string Why)> factory)
    {
        lock (s_gate)
        {
            s_factory = factory;
            s_resolved = null;
        }
    }

    /// <summary>The registered kernel, or null where none is registered or it is unavailable.</summary>
    public static Int8BatchKernel? Current => Resolve().Kernel;

    /// <summary>Which kernel the batched int8 scan runs, and why not the accelerated one where it does not.</summary>
    public static string Describe() =>
        Resolve() is { Kernel: { } kernel } ? kernel.Name : $"{ManagedName} ({Resolve().Why})";

    /// <summary>The managed kernel's name on this CPU.</summary>
    public static string ManagedName => AvxVnni.IsSupported ? "managed AVX-VNNI (256-bit vpdpbusd)" : "managed AVX2";

    private static (Int8BatchKernel? Kernel, string Why) Resolve()
    {
        lock (s_gate)
        {
            s_resolved ??= s_factory is null ? (null, "no accelerated kernel registered") : s_factory();
            return s_resolved.Value;
        }
    }
}
