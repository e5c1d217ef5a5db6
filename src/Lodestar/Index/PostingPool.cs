using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Lodestar.Index;

/// <summary>
/// The postings of every term, varint-encoded as they arrive (doc gap, tf; the first gap counted from −1, the
/// postings file's encoding), in chains of byte slices carved out of blocks of up to 128 KiB: a term's first slice is
/// 8 bytes and each next one twice the last (up to 4 KiB), and the last 4 bytes of a full slice hold the address of the
/// next. About 3.2 bytes a posting on the benchmark corpus (2.3 encoded, plus links and slack) instead of the 12 of
/// (term, doc, tf) triples, no sort at the end (a term's bytes are already in order), and no object per term.
/// </summary>
/// <remarks>
/// Per term: one 32-byte <see cref="TermState"/> (first slice, write position, end of the current slice, last doc, df,
/// bytes, level), so that adding a posting touches one cache line of state, not seven arrays.
/// <see cref="Reset"/> empties the pool for the next run and keeps its blocks, so a build that spills touches no new
/// memory. Not thread-safe: the build's writer owns it.
/// </remarks>
internal sealed class PostingPool
{
    /// <summary>Largest block: 128 KiB, a large object, never moved by the GC.</summary>
    public const int MaxBlockBits = 17;

    /// <summary>Smallest block: 8 KiB, twice the largest slice.</summary>
    public const int MinBlockBits = 13;

    private const int LinkBytes = 4;
    private const int MaxLevel = 9; // 8 << 9 = 4 KiB

    private readonly int _blockBits;
    private readonly int _blockBytes;
    private readonly int _blockMask;
    private readonly int _maxBlocks; // addresses are non-negative ints
    private byte[][] _blocks = new byte[16][];
    private int _allocated; // blocks allocated (kept across runs)
    private int _block = -1; // the block slices are carved from
    private int _used; // bytes used in that block
    private int _terms; // term ids seen so far are below this

    private TermState[] _state = [];

    /// <summary>A pool of blocks of 2^<paramref name="blockBits"/> bytes.</summary>
    public PostingPool(int blockBits = MaxBlockBits)
    {
        _blockBits = Math.Clamp(blockBits, MinBlockBits, MaxBlockBits);
        _blockBytes = 1 << _blockBits;
        _blockMask = _blockBytes - 1;
        _maxBlocks = 1 << (31 - _blockBits);
        _used = _blockBytes;
    }

    /// <summary>Bytes the pool holds: its blocks and its per-term arrays.</summary>
    public long Bytes => ((long)_allocated << _blockBits) + ((long)_state.Length * Unsafe.SizeOf<TermState>());

    /// <summary>Bytes of blocks in use by the current run; at most about 2 GiB, the limit of the addresses.</summary>
    public long UsedBytes => ((long)(_block + 1)) << _blockBits;

    /// <summary>Term ids below this may have postings.</summary>
    public int TermBound => _terms;

    /// <summary>Postings of term <paramref name="t"/> in this run.</summary>
    public int Df(int t) => t < _terms ? _state[t].Df : 0;

    /// <summary>Encoded bytes of term <paramref name="t"/> in this run.</summary>
    public int Length(int t) => _state[t].Bytes;

    /// <summary>The first document of term <paramref name="t"/> in this run.</summary>
    public int First(int t) => _state[t].First;

    /// <summary>The last document of term <paramref name="t"/> in this run.</summary>
    public int Last(int t) => _state[t].Last;

    /// <summary>Asks the CPU to fetch term <paramref name="t"/>'s state, which <see cref="Add"/> will need a document
    /// later: the states of 183k terms are megabytes, and a document's terms are scattered over them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchState(int t)
    {
        if (Sse.IsSupported && (uint)t < (uint)_state.Length)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref _state[t]));
        }
    }

    /// <summary>Asks the CPU to fetch the pool byte that term <paramref name="t"/>'s next posting goes to (its state
    /// should have been fetched already).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchWrite(int t)
    {
        if (Sse.IsSupported && t < _terms && _state[t].Df > 0)
        {
            int w = _state[t].Write;
            Sse.Prefetch0(Unsafe.AsPointer(ref _blocks[w >> _blockBits][w & _blockMask]));
        }
    }

    /// <summary>Appends (doc, tf) to term <paramref name="t"/>; documents come in increasing order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int t, int doc, int tf)
    {
        if ((uint)t >= (uint)_state.Length)
        {
            Grow(t);
        }

        if (t >= _terms)
        {
            _terms = t + 1;
        }

        ref TermState s = ref _state[t];
        if (s.Df == 0)
        {
            s.Head = s.Write = NewSlice(0);
            s.End = s.Write + 8 - LinkBytes;
            s.Level = 0;
            s.Bytes = 0;
            s.Last = -1;
            s.First = doc;
        }

        uint gap = (uint)(doc - s.Last);
        int w = s.Write;
        if ((gap | (uint)tf) < 0x80 && s.End - w >= 2)
        {
            // the common case: two one-byte varints with room in the slice
            byte[] block = _blocks[w >> _blockBits];
            int at = w & _blockMask;
            block[at] = (byte)gap;
            block[at + 1] = (byte)tf;
            s.Write = w + 2;
            s.Bytes += 2;
        }
        else
        {
            int end = s.End;
            int moved = 0; // bytes skipped by jumps to new slices, not counted as postings
            WriteVar(ref s, gap, ref w, ref end, ref moved);
            WriteVar(ref s, (uint)tf, ref w, ref end, ref moved);
            s.Bytes += w - s.Write - moved;
            s.Write = w;
            s.End = end;
        }

        s.Last = doc;
        s.Df++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteVar(ref TermState s, uint value, ref int w, ref int end, ref int moved)
    {
        while (value >= 0x80)
        {
            WriteByte(ref s, (byte)(value | 0x80), ref w, ref end, ref moved);
            value >>= 7;
        }

        WriteByte(ref s, (byte)value, ref w, ref end, ref moved);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteByte(ref TermState s, byte b, ref int w, ref int end, ref int moved)
    {
        if (w == end)
        {
            int level = Math.Min(s.Level + 1, MaxLevel);
            s.Level = level;
            int next = NewSlice(level);
            BinaryPrimitives.WriteInt32LittleEndian(_blocks[end >> _blockBits].AsSpan((end & _blockMask), LinkBytes), next);
            moved += next - w; // w jumps to next; the jump is not postings bytes
            w = next;
            end = next + (8 << level) - LinkBytes;
        }

        _blocks[w >> _blockBits][w & _blockMask] = b;
        w++;
    }

    /// <summary>Carves a slice of level <paramref name="level"/> (8 &lt;&lt; level bytes) from the current block, or
    /// from the next one (reused if a previous run allocated it).</summary>
    private int NewSlice(int level)
    {
        int size = 8 << level;
        if (_used + size > _blockBytes)
        {
            if (_block + 1 == _maxBlocks)
            {
                throw new InvalidOperationException("the postings of one batch passed 2 GiB");
            }

            _block++;
            if (_block == _allocated)
            {
                if (_allocated == _blocks.Length)
                {
                    Array.Resize(ref _blocks, _blocks.Length * 2);
                }

                _blocks[_allocated++] = GC.AllocateUninitializedArray<byte>(_blockBytes); // every byte is written before it is read
            }

            _used = 0;
        }

        int address = (_block << _blockBits) | _used;
        _used += size;
        return address;
    }

    private void Grow(int t)
    {
        int length = Math.Max(t + 1, Math.Max(1024, _state.Length + (_state.Length / 2))); // by half: 32 bytes a term
        Array.Resize(ref _state, length);
    }

    /// <summary>Copies the encoded postings of term <paramref name="t"/> into <paramref name="target"/>, which must hold
    /// <see cref="Length"/> bytes.</summary>
    public void CopyTo(int t, Span<byte> target)
    {
        int done = 0;
        for (var chain = new Chain(this, t); chain.MoveNext();)
        {
            chain.Slice.CopyTo(target[done..]);
            done += chain.Slice.Length;
        }
    }

    /// <summary>Writes the encoded postings of term <paramref name="t"/> to <paramref name="stream"/>, but for their
    /// first <paramref name="skip"/> bytes.</summary>
    public void WriteTo(int t, Stream stream, int skip = 0)
    {
        for (var chain = new Chain(this, t); chain.MoveNext();)
        {
            ReadOnlySpan<byte> slice = chain.Slice;
            int n = Math.Min(skip, slice.Length);
            skip -= n;
            stream.Write(slice[n..]);
        }
    }

    /// <summary>Walks term <paramref name="t"/>'s chain of slices, one block span at a time: each slice's payload
    /// doubles with its level (up to <see cref="MaxLevel"/>) and ends in the link to the next.</summary>
    private ref struct Chain(PostingPool pool, int t)
    {
        private int _at = pool._state[t].Head, _level = -1, _remaining = pool._state[t].Bytes;

        /// <summary>The current slice's bytes.</summary>
        public ReadOnlySpan<byte> Slice { get; private set; }

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            if (_level >= 0)
            {
                int link = _at + (8 << _level) - LinkBytes;
                _at = BinaryPrimitives.ReadInt32LittleEndian(pool._blocks[link >> pool._blockBits].AsSpan(link & pool._blockMask, LinkBytes));
            }

            _level = Math.Min(_level + 1, MaxLevel);
            int n = Math.Min((8 << _level) - LinkBytes, _remaining);
            Slice = pool._blocks[_at >> pool._blockBits].AsSpan(_at & pool._blockMask, n);
            _remaining -= n;
            return true;
        }
    }

    /// <summary>Empties the pool for the next run (every term starts again from −1), keeping its blocks.</summary>
    public void Reset()
    {
        for (int t = 0; t < _terms; t++)
        {
            _state[t].Df = 0;
        }

        _terms = 0;
        _block = -1;
        _used = _blockBytes;
    }

    /// <summary>One term's chain in this run: 32 bytes, half a cache line.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 32)]
    private struct TermState
    {
        public int Head; // first slice
        public int Write; // next byte
        public int End; // end of the current slice's payload (its link follows)
        public int Last; // last doc
        public int Df;
        public int Bytes; // encoded bytes, links and jumps not counted
        public int Level; // the current slice's level
        public int First; // first doc
    }
}
