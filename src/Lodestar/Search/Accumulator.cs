namespace Lodestar.Search;

/// <summary>Per-thread score array with the documents touched, cleared in O(touched).</summary>
/// <remarks>A document is touched when its score leaves 0; BM25 contributions are always positive.</remarks>
internal sealed class Accumulator(int n)
{
    /// <summary>Score per internal document id.</summary>
    public readonly double[] Scores = new double[n];

    /// <summary>Touched documents, first <see cref="TouchedCount"/> entries.</summary>
    public readonly int[] Touched = new int[n];

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
