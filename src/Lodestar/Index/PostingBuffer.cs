namespace Lodestar.Index;

/// <summary>The growing postings of one term: varint pairs (doc gap, tf), the first gap counted from −1.</summary>
internal sealed class PostingBuffer
{
    /// <summary>Encoded postings.</summary>
    public byte[] Bytes = new byte[8];

    /// <summary>Bytes used in <see cref="Bytes"/>.</summary>
    public int Length;

    /// <summary>Documents written.</summary>
    public int Df;

    /// <summary>First document written, −1 when none.</summary>
    public int FirstDoc = -1;

    /// <summary>Last document written, −1 when none.</summary>
    public int LastDoc = -1;

    /// <summary>Appends (doc, tf); documents come in increasing order. Returns the bytes the buffer grew by.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int Add(int doc, int tf)
    {
        int before = Bytes.Length;
        VarInt.Write(ref Bytes, ref Length, (ulong)(doc - LastDoc));
        VarInt.Write(ref Bytes, ref Length, (ulong)tf);
        if (FirstDoc < 0)
        {
            FirstDoc = doc;
        }

        LastDoc = doc;
        Df++;
        return Bytes.Length - before;
    }

    /// <summary>Appends a later chunk of the same term (from a later run), re-encoding its first gap.</summary>
    public void Append(PostingBuffer next)
    {
        int pos = 0;
        ulong firstGap = VarInt.Read(next.Bytes, ref pos);
        int firstDoc = (int)firstGap - 1;
        VarInt.Write(ref Bytes, ref Length, (ulong)(firstDoc - LastDoc));
        int rest = next.Length - pos;
        if (Length + rest > Bytes.Length)
        {
            Array.Resize(ref Bytes, Math.Max(Bytes.Length * 2, Length + rest));
        }

        Buffer.BlockCopy(next.Bytes, pos, Bytes, Length, rest);
        Length += rest;
        if (FirstDoc < 0)
        {
            FirstDoc = next.FirstDoc;
        }

        LastDoc = next.LastDoc;
        Df += next.Df;
    }
}
