namespace Lodestar.Runtime;

/// <summary>Keeps a short-lived process on memory it has already touched: once a budget of bytes has been allocated on
/// the calling thread since the last collection, <see cref="Checkpoint"/> runs a gen-0 collection, so the allocator
/// hands out the same pages again instead of fresh ones.</summary>
/// <remarks>On the VMs Lodestar is measured on, the first write to a page costs 10–35 µs (the hypervisor backs guest
/// memory on first touch), so a command that lives 30 ms spends most of its time on fresh pages. The runtime's own
/// gen-0 budget (megabytes, sized from the cache) is made for long-lived processes, and native AOT does not read
/// <c>GCgen0size</c>. Off unless <see cref="Enable"/> is called: a library user or the service keeps the runtime's
/// policy. Call it from one thread (the budget is counted on the calling thread). See docs/decisions/gc-mode.md.</remarks>
public static class PageReuse
{
    /// <summary>The budget for a one-shot command: 256 KiB, measured on a BRIGHT task's eval (a collection costs
    /// tens of microseconds when little survives; 64 fresh pages cost about a millisecond).</summary>
    public const long ShortLivedBudget = 256 << 10;

    private static long s_budget;
    private static long s_next;

    /// <summary>Whether checkpoints collect.</summary>
    public static bool Enabled => s_budget > 0;

    /// <summary>Turns checkpoints on: a collection after every <paramref name="budgetBytes"/> allocated.</summary>
    public static void Enable(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetBytes);
        s_budget = budgetBytes;
        s_next = GC.GetAllocatedBytesForCurrentThread() + budgetBytes;
    }

    /// <summary>A point where little allocated since the last one is still alive (between topics, between queries):
    /// collects generation 0 when the budget is spent.</summary>
    public static void Checkpoint()
    {
        if (s_budget > 0 && GC.GetAllocatedBytesForCurrentThread() >= s_next)
        {
            GC.Collect(0);
            s_next = GC.GetAllocatedBytesForCurrentThread() + s_budget;
        }
    }
}
