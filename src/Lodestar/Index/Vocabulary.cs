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
internal sealed class TermKeys(byte[] bytes, int[] offsets) : IComparer<int>
{
    /// <summary>The key at position <paramref name="i"/>.</summary>
    public ReadOnlySpan<byte> this[int i] => bytes.AsSpan(offsets[i], offsets[i + 1] - offsets[i]);

    /// <summary>Sorts <paramref name="ids"/> (whose keys are this object's, by position) and returns the positions in
    /// that order: the order of the terms' UTF-16 strings, ordinal, as the index has always been written. The keys'
    /// first 8 bytes, as one number, are sorted first; only keys that share them are compared in full.</summary>
    public int[] Sort(int[] ids)
    {
        int n = ids.Length;
        ulong[] prefixes = new ulong[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            prefixes[i] = Prefix(this[i]);
            order[i] = i;
        }

        Array.Sort(prefixes, order);
        for (int start = 0, i = 1; i <= n; i++)
        {
            if (i == n || prefixes[i] != prefixes[start])
            {
                if (i - start > 1)
                {
                    Array.Sort(order, start, i - start, this);
                }

                start = i;
            }
        }

        int[] sorted = new int[n];
        for (int i = 0; i < n; i++)
        {
            sorted[i] = ids[order[i]];
        }

        sorted.CopyTo(ids, 0);
        return order;
    }

    /// <inheritdoc />
    public int Compare(int a, int b) => CompareAsUtf16(this[a], this[b]);

    /// <summary>Compares two valid UTF-8 strings in the ordinal order of their UTF-16 forms: byte by byte, through
    /// <see cref="Rank"/>, a prefix first.</summary>
    public static int CompareAsUtf16(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int n = a.CommonPrefixLength(b);
        return n == a.Length || n == b.Length ? a.Length - b.Length : Rank(a[n]) - Rank(b[n]);
    }

    /// <summary>A byte's rank in UTF-16 order. UTF-8's byte order is the code points' order; UTF-16 differs only in
    /// putting the supplementary characters (4-byte sequences, lead bytes F0–F4; surrogates D800–DFFF in UTF-16)
    /// before U+E000–U+FFFF (lead bytes EE and EF). Two strings first differ at bytes of the same kind (both lead
    /// bytes, or both continuation bytes, which are below C0), so swapping those two groups of lead bytes is enough.</summary>
    private static int Rank(byte b) => b switch
    {
        < 0xEE => b,
        <= 0xEF => b + 5, // EE, EF → F3, F4
        <= 0xF4 => b - 2, // F0–F4 → EE–F2
        _ => b, // not in valid UTF-8
    };

    /// <summary>The ranks of a key's first 8 bytes, big-endian, zero-padded: a key's prefix number orders as the key
    /// does, except that keys with equal numbers need the full comparison.</summary>
    private static ulong Prefix(ReadOnlySpan<byte> key)
    {
        ulong prefix = 0;
        int m = Math.Min(8, key.Length);
        for (int j = 0; j < m; j++)
        {
            prefix |= (ulong)Rank(key[j]) << (56 - (8 * j));
        }

        return prefix;
    }
}
