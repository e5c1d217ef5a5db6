namespace Lodestar.Model;

/// <summary>Byte strings back to back in one growing block, with where each ends: no object per string (a run's
/// document ids in <see cref="TopicColumns"/>, a qrels topic's in <see cref="Judgments"/>).</summary>
/// <remarks>A mutable struct, kept in a field of its owner and changed in place.</remarks>
internal struct ByteStrings
{
    private byte[] _bytes;
    private int[] _ends;

    /// <summary>Room for <paramref name="count"/> strings of <paramref name="bytes"/> bytes in all (both grow).</summary>
    public ByteStrings(int count, int bytes)
    {
        _bytes = new byte[Math.Max(bytes, 1)];
        _ends = new int[Math.Max(count, 1)];
    }

    /// <summary>The number of strings.</summary>
    public int Count { get; private set; }

    /// <summary>Their bytes together.</summary>
    public int ByteCount { get; private set; }

    /// <summary>String <paramref name="i"/>.</summary>
    public readonly ReadOnlySpan<byte> this[int i] =>
        _bytes.AsSpan(i == 0 ? 0 : _ends[i - 1], _ends[i] - (i == 0 ? 0 : _ends[i - 1]));

    /// <summary>Appends <paramref name="value"/>; <paramref name="grown"/> is the new room for strings when the ends
    /// had to grow (the owner grows its own columns to match), else 0.</summary>
    public void Add(ReadOnlySpan<byte> value, out int grown)
    {
        grown = 0;
        if (Count == _ends.Length)
        {
            grown = Count * 2;
            Array.Resize(ref _ends, grown);
        }

        if (ByteCount + value.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, ByteCount + value.Length));
        }

        value.CopyTo(_bytes.AsSpan(ByteCount));
        ByteCount += value.Length;
        _ends[Count++] = ByteCount;
    }

    /// <summary>Removes every string and keeps the memory.</summary>
    public void Clear()
    {
        Count = 0;
        ByteCount = 0;
    }
}
