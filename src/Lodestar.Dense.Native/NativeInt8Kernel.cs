using System.Runtime.InteropServices;
using Lodestar.Dense;

namespace Lodestar.Dense.Native;

/// <summary>
/// The AVX-512 VNNI int8 block kernel in <c>liblodestar_dense.so</c> (native/int8_scan.c): 512-bit <c>vpdpbusd</c>,
/// 16 rows × 4 dimensions per instruction, a tile of 64 rows × 6 queries in 24 accumulators. Loaded with
/// <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> from the application's folder and called through unmanaged
/// function pointers (blittable arguments, no marshalling), so a missing library only means the managed kernel runs.
/// </summary>
public sealed unsafe class NativeInt8Kernel : Int8BatchKernel
{
    /// <summary>The library's file name, beside the application.</summary>
    public const string LibraryName = "liblodestar_dense.so";

    /// <summary>The environment variable that chooses the int8 batched kernel: <c>managed</c> forces the managed one,
    /// anything else (or unset) uses the native one where it can run.</summary>
    public const string KernelVariable = "LODESTAR_DENSE_KERNEL";

    private readonly delegate* unmanaged<int, int, long> _packedBytes;
    private readonly delegate* unmanaged<sbyte*, int, int, byte*, void> _pack;
    private readonly delegate* unmanaged<byte*, int, int, int, float*, sbyte*, int, int*, float*, float*, int*, int, Int8Candidate*, int, int> _scan;

    private NativeInt8Kernel(nint library, string path)
    {
        Path = path;
        _packedBytes = (delegate* unmanaged<int, int, long>)NativeLibrary.GetExport(library, "lodestar_int8_packed_bytes");
        _pack = (delegate* unmanaged<sbyte*, int, int, byte*, void>)NativeLibrary.GetExport(library, "lodestar_int8_pack");
        _scan = (delegate* unmanaged<byte*, int, int, int, float*, sbyte*, int, int*, float*, float*, int*, int, Int8Candidate*, int, int>)
            NativeLibrary.GetExport(library, "lodestar_int8_scan");
    }

    /// <summary>The library loaded.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string Name => $"native AVX-512 VNNI (512-bit vpdpbusd, {LibraryName})";

    /// <summary>The kernel from <paramref name="directory"/> (default: the application's folder), or null and why not:
    /// <c>LODESTAR_DENSE_KERNEL=managed</c>, no library, or a CPU (or OS) without AVX-512 F/BW/VNNI.</summary>
    /// <param name="directory">Where the library is.</param>
    /// <param name="choice">The <c>LODESTAR_DENSE_KERNEL</c> value (default: the environment's).</param>
    public static (Int8BatchKernel? Kernel, string Why) Create(string? directory = null, string? choice = null)
    {
        if (string.Equals(choice ?? Environment.GetEnvironmentVariable(KernelVariable), "managed", StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"{KernelVariable}=managed");
        }

        string path = System.IO.Path.Combine(directory ?? AppContext.BaseDirectory, LibraryName);
        if (!OperatingSystem.IsLinux() || !File.Exists(path) || !NativeLibrary.TryLoad(path, out nint library))
        {
            return (null, $"no {LibraryName} beside the application");
        }

        var supported = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "lodestar_int8_supported");
        return supported() == 0 ? (null, "the CPU lacks AVX-512 VNNI") : (new NativeInt8Kernel(library, path), "");
    }

    /// <summary>Registers <see cref="Create"/> as the core's int8 batched kernel (loaded on first use).</summary>
    public static void Register() => Int8BatchKernel.Register(() => Create());

    /// <inheritdoc />
    public override long PackedBytes(int rows, int d) => _packedBytes(rows, d);

    /// <inheritdoc />
    public override void Pack(sbyte* rows, int count, int d, byte* packed) => _pack(rows, count, d, packed);

    /// <inheritdoc />
    public override int Scan(byte* packed, int rows, int d, int firstRow, float* scales, sbyte* queries, int stride, int* sums,
        float* queryScales, float* thresholds, ref int next, int queryEnd, Int8Candidate* output, int capacity)
    {
        fixed (int* n = &next)
        {
            return _scan(packed, rows, d, firstRow, scales, queries, stride, sums, queryScales, thresholds, n, queryEnd, output, capacity);
        }
    }
}
