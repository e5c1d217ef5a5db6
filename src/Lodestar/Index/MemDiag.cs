namespace Lodestar.Index;

/// <summary>Temporary memory diagnostics (LODESTAR_MEMDIAG=1).</summary>
internal static class MemDiag
{
    private static readonly bool On = Environment.GetEnvironmentVariable("LODESTAR_MEMDIAG") == "1";

    /// <summary>Prints a checkpoint.</summary>
    public static void At(string label)
    {
        if (!On)
        {
            return;
        }

        GCMemoryInfo info = GC.GetGCMemoryInfo();
        string rss = string.Join(' ', File.ReadAllLines("/proc/self/status").Where(l => l.StartsWith("VmRSS") || l.StartsWith("RssAnon") || l.StartsWith("RssFile") || l.StartsWith("VmHWM")).Select(l => l.Replace(" ", "").Replace("\t", "")));
        Console.Error.WriteLine($"[mem] {label}: heap={info.HeapSizeBytes >> 20}M committed={info.TotalCommittedBytes >> 20}M frag={info.FragmentedBytes >> 20}M live={GC.GetTotalMemory(false) >> 20}M gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} alloc={GC.GetTotalAllocatedBytes() >> 20}M {rss}");
    }
}
