namespace Lodestar.Index;

/// <summary>Term → dense id, shared by the build's threads behind one lock.</summary>
/// <remarks>
/// The threads reach it only through their <see cref="TermCache"/>, so about once per distinct term per thread: a
/// lock costs nothing there. The table is a <see cref="Utf8KeyTable"/>: the terms are kept as UTF-8 bytes only (no
/// string per term), and sorted as UTF-8 in the order of their UTF-16 strings (<see cref="TermKeys"/>).
/// </remarks>
internal sealed class Vocabulary
{
    private readonly Utf8KeyTable _ids = new(1 << 17, 1 << 16);
    private readonly Lock _gate = new();
    private int _count;

    /// <summary>Distinct terms so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The id of a term given as UTF-8 bytes, adding it if new.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> term)
    {
        ulong hash = Utf8Hash.Of(term);
        lock (_gate)
        {
            int entry = _ids.Find(term, hash, out int slot);
            if (entry >= 0)
            {
                return _ids.Value(entry);
            }

            int id = _count;
            _ids.Add(slot, hash, term, id); // entry number = id: entries are added in id order
            Volatile.Write(ref _count, id + 1);
            return id;
        }
    }

    /// <summary>A copy of the keys of <paramref name="ids"/> (taken under the lock: other threads may be adding terms).</summary>
    public TermKeys Keys(ReadOnlySpan<int> ids)
    {
        lock (_gate)
        {
            int total = 0;
            foreach (int id in ids)
            {
                total += _ids.Key(id).Length;
            }

            byte[] bytes = GC.AllocateUninitializedArray<byte>(total);
            int[] offsets = new int[ids.Length + 1];
            int at = 0;
            for (int i = 0; i < ids.Length; i++)
            {
                offsets[i] = at;
                ReadOnlySpan<byte> key = _ids.Key(ids[i]);
                key.CopyTo(bytes.AsSpan(at));
                at += key.Length;
            }

            offsets[ids.Length] = at;
            return new TermKeys(bytes, offsets);
        }
    }
}

/// <summary>The UTF-8 keys of some terms, by position, copied out of the vocabulary.</summary>
internal sealed class TermKeys(byte[] bytes, int[] offsets)
{
    /// <summary>The key at position <paramref name="i"/>.</summary>
    public ReadOnlySpan<byte> this[int i] => bytes.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);

    /// <summary>Sorts <paramref name="ids"/> (whose keys are this object's, by position) and returns the positions in
    /// that order: the order of the terms' UTF-16 strings, ordinal, as the index has always been written.</summary>
    public int[] Sort(int[] ids)
    {
        int[] order = new int[ids.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => CompareAsUtf16(this[a], this[b]));
        int[] sorted = new int[ids.Length];
        for (int i = 0; i < order.Length; i++)
        {
            sorted[i] = ids[order[i]];
        }

        sorted.CopyTo(ids, 0);
        return order;
    }

    /// <summary>Compares two valid UTF-8 strings in the ordinal order of their UTF-16 forms. That is their byte
    /// order (the code points' order) except that UTF-16 puts the supplementary characters (4-byte sequences, lead
    /// bytes F0–F4; surrogates D800–DFFF in UTF-16) before U+E000–U+FFFF (lead bytes EE and EF).</summary>
    public static int CompareAsUtf16(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int n = a.CommonPrefixLength(b);
        if (n == a.Length || n == b.Length)
        {
            return a.Length - b.Length;
        }

        int x = a[n], y = b[n];
        if (x >= 0xEE && y >= 0xEE && (x >= 0xF0) != (y >= 0xF0))
        {
            // both are lead bytes (continuation bytes are below 0xC0), one of a supplementary character
            return x >= 0xF0 ? -1 : 1;
        }

        return x - y;
    }
}
