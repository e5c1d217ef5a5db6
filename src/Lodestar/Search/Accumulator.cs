namespace Lodestar.Search;

/// <summary>Per-thread score array with the documents touched, cleared in O(touched).</summary>
/// <remarks>A document is touched when its score leaves 0; BM25 contributions are always positive.</remarks>
internal sealed class Accumulator
{
    /// <summary>Creates the arrays for <paramref name="n"/> documents and has their pages faulted in at once
    /// (<see cref="PagePopulate"/>).</summary>
    public Accumulator(int n)
    {
        Scores = new double[n];
        Touched = GC.AllocateUninitializedArray<int>(n);
        PagePopulate.Array(Scores);
        PagePopulate.Array(Touched);
    }

    /// <summary>Score per internal document id.</summary>
    public readonly double[] Scores;

    /// <summary>Touched documents, first <see cref="TouchedCount"/> entries.</summary>
    /// <remarks>Not zeroed: only entries below <see cref="TouchedCount"/> are ever read, and zeroing N ints (and
    /// faulting their pages in) is a one-query search's cost for nothing.</remarks>
    public readonly int[] Touched;

    /// <summary>How many documents were touched.</summary>
    public int TouchedCount;

    /// <summary>Resets the touched scores to 0.</summary>
    public void Clear()
    {
        for (int i = 0; i < TouchedCount; i++)
        {
            Scores[Touched[i]] = 0;
        }

        TouchedCount = 0;
    }
}
