using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Lodestar.Index;

/// <summary>
/// The postings of every term, varint-encoded as they arrive (doc gap, tf; the first gap counted from −1, the
/// postings file's encoding), in chains of byte slices carved out of blocks of up to 128 KiB: a term's first slice is
/// 8 bytes and each next one twice the last (up to 4 KiB), and the last 4 bytes of a full slice hold the address of the
/// next. About 3.2 bytes a posting on the benchmark corpus (2.3 encoded, plus links and slack) instead of the 12 of
/// (term, doc, tf) triples, no sort at the end (a term's bytes are already in order), and no object per term.
/// </summary>
/// <remarks>
/// Per term: six ints and a byte (first slice, write position, end of the current slice, last doc, df, bytes, level).
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

    private int[] _head = [];
    private int[] _write = [];
    private int[] _end = [];
    private int[] _last = [];
    private int[] _df = [];
    private int[] _bytes = [];
    private byte[] _level = [];

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
    public long Bytes => ((long)_allocated << _blockBits) + (long)_df.Length * 25;

    /// <summary>Bytes of blocks in use by the current run; at most about 2 GiB, the limit of the addresses.</summary>
    public long UsedBytes => ((long)(_block + 1)) << _blockBits;

    /// <summary>Term ids below this may have postings.</summary>
    public int TermBound => _terms;

    /// <summary>Postings of term <paramref name="t"/> in this run.</summary>
    public int Df(int t) => t < _terms ? _df[t] : 0;

    /// <summary>Encoded bytes of term <paramref name="t"/> in this run.</summary>
    public int Length(int t) => _bytes[t];

    /// <summary>The last document of term <paramref name="t"/> in this run.</summary>
    public int Last(int t) => _last[t];

    /// <summary>Appends (doc, tf) to term <paramref name="t"/>; documents come in increasing order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int t, int doc, int tf)
    {
        if ((uint)t >= (uint)_df.Length)
        {
            Grow(t);
        }

        if (t >= _terms)
        {
            _terms = t + 1;
        }

        int w, end, last;
        if (_df[t] == 0)
        {
            w = _head[t] = NewSlice(0);
            end = w + 8 - LinkBytes;
            _level[t] = 0;
            _bytes[t] = 0;
            last = -1;
        }
        else
        {
            w = _write[t];
            end = _end[t];
            last = _last[t];
        }

        int start = w;
        int moved = 0; // bytes skipped by jumps to new slices, not counted as postings
        WriteVar(t, (uint)(doc - last), ref w, ref end, ref moved);
        WriteVar(t, (uint)tf, ref w, ref end, ref moved);
        _bytes[t] += w - start - moved;
        _write[t] = w;
        _end[t] = end;
        _last[t] = doc;
        _df[t]++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteVar(int t, uint value, ref int w, ref int end, ref int moved)
    {
        while (value >= 0x80)
        {
            WriteByte(t, (byte)(value | 0x80), ref w, ref end, ref moved);
            value >>= 7;
        }

        WriteByte(t, (byte)value, ref w, ref end, ref moved);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteByte(int t, byte b, ref int w, ref int end, ref int moved)
    {
        if (w == end)
        {
            int level = Math.Min(_level[t] + 1, MaxLevel);
            _level[t] = (byte)level;
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
        int length = Math.Max(t + 1, Math.Max(1024, _df.Length * 2));
        Array.Resize(ref _head, length);
        Array.Resize(ref _write, length);
        Array.Resize(ref _end, length);
        Array.Resize(ref _last, length);
        Array.Resize(ref _df, length);
        Array.Resize(ref _bytes, length);
        Array.Resize(ref _level, length);
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

    /// <summary>Writes the encoded postings of term <paramref name="t"/> to <paramref name="stream"/>.</summary>
    public void WriteTo(int t, Stream stream)
    {
        for (var chain = new Chain(this, t); chain.MoveNext();)
        {
            stream.Write(chain.Slice);
        }
    }

    /// <summary>Walks term <paramref name="t"/>'s chain of slices, one block span at a time: each slice's payload
    /// doubles with its level (up to <see cref="MaxLevel"/>) and ends in the link to the next.</summary>
    private ref struct Chain(PostingPool pool, int t)
    {
        private int _at = pool._head[t], _level = -1, _remaining = pool._bytes[t];

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
        Array.Clear(_df, 0, _terms);
        _terms = 0;
        _block = -1;
        _used = _blockBytes;
    }
}
