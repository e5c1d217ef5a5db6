using System.Runtime.InteropServices;

namespace Lodestar.Search;

/// <summary>
/// Asks the kernel to fault in the pages of a large, freshly allocated array in one call
/// (<c>madvise(MADV_POPULATE_WRITE)</c>, Linux 5.14+), instead of one page fault per 4 KiB page as the first query
/// writes its way through it. A one-query search over 534k documents writes most of its 4 MB score array and 2 MB
/// touched-list: about 1,500 page faults, a tenth of the search's CPU on a virtual machine where each fault is a trap.
/// A hint only: where the call is refused or missing (another kernel, another libc) nothing changes.
/// </summary>
internal static unsafe partial class PagePopulate
{
    private const int MadvPopulateWrite = 23;
    private const long Page = 4096;
    private static int _unavailable;

    /// <summary>Populates the whole pages inside <paramref name="array"/>'s elements.</summary>
    public static void Array<T>(T[] array)
        where T : unmanaged
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _unavailable) != 0 || (long)array.Length * sizeof(T) < 16 * Page)
        {
            return;
        }

        fixed (T* p = array)
        {
            long start = ((long)p + Page - 1) & ~(Page - 1);
            long end = ((long)p + ((long)array.Length * sizeof(T))) & ~(Page - 1);
            try
            {
                if (end > start && Madvise((nint)start, (nuint)(end - start), MadvPopulateWrite) != 0)
                {
                    Volatile.Write(ref _unavailable, 1); // EINVAL on kernels before 5.14: do not ask again
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref _unavailable, 1);
            }
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
