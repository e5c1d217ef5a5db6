using System.Runtime.InteropServices;

namespace Lodestar.Index;

/// <summary>
/// Keeps glibc's allocator from handing memory back to the kernel after every store block. Brotli allocates and frees
/// its tables (about half a MiB, zeroed) for each block it compresses; with glibc's defaults each free shrinks the heap
/// (<c>brk</c>, a TLB flush) and the next allocation faults the pages in again, which cost a tenth of the build's CPU
/// on the 534k-passage benchmark (docs/benchmarks.md). Raising the trim threshold to 32 MiB and fixing the mmap
/// threshold at 4 MiB lets those tables be reused in place. Process-wide and harmless elsewhere: at most 32 MiB of
/// freed native memory stays mapped. Does nothing off Linux or without glibc.
/// </summary>
internal static partial class NativeHeap
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD

    private static int _done;

    /// <summary>Applies the thresholds once per process.</summary>
    public static void KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _done, 1) == 1)
        {
            return;
        }

        try
        {
            _ = Mallopt(MmapThreshold, 4 << 20);
            _ = Mallopt(TrimThreshold, 32 << 20);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc (musl has no mallopt): nothing to tune
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int param, int value);
}
