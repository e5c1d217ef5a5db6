using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace Lodestar.Index;

/// <summary>
/// The 64-bit hashes of the build's document ids, kept as sorted runs on disk so that the duplicate-id check takes the
/// same memory at any corpus size: a fixed buffer of (hash, line) for consecutive documents is sorted by hash and
/// appended to one temporary file as records (hash, document, line) whenever it fills; at the end a k-way merge of the
/// runs walks all hashes in order and hands every group of equal hashes (a duplicate id, or a collision of distinct
/// ones) to the caller.
/// </summary>
/// <remarks>
/// Memory: 28 bytes an entry of the buffer (hashes, lines, sorted hashes, positions: 1.8 MB for 65,536) and, while
/// merging, a read buffer per run (1 MiB in all, at least 4 KiB each). Disk: 20 bytes a document, deleted on dispose.
/// A run is sorted by a counting sort on the hashes' top bits; the writer's loop only appends (docs/benchmarks.md has
/// the cost).
/// </remarks>
internal sealed class IdHashRuns : IDisposable
{
    private const int RecordBytes = 20; // hash, document (int32), line (int64)
    private const int MergeBufferBytes = 1 << 20;

    private readonly string _path;
    private readonly FileStream _file;
    private readonly ulong[] _hashes;
    private readonly long[] _lines;
    private readonly int[] _order;
    private readonly ulong[] _sorted;
    private readonly int[] _counts;
    private readonly List<(long Offset, int Count)> _runs = [];
    private byte[] _records = [];
    private int _used;
    private int _firstDocument; // the document of _hashes[0] before the sort
    private long _fileBytes;

    /// <summary>Runs of <paramref name="runEntries"/> hashes, spilled to <paramref name="path"/>.</summary>
    public IdHashRuns(string path, int runEntries)
    {
        _path = path;
        _hashes = new ulong[runEntries];
        _lines = new long[runEntries];
        _order = new int[runEntries];
        _sorted = new ulong[runEntries];
        _counts = new int[(1 << BucketBits(runEntries)) + 1];
        _file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1);
    }

    /// <summary>Runs written to disk so far.</summary>
    public int Runs => _runs.Count;

    /// <summary>Records the next document's id hash and line.</summary>
    public void Add(ulong hash, long line)
    {
        if (_used == _hashes.Length)
        {
            Spill();
        }

        _hashes[_used] = hash;
        _lines[_used] = line;
        _used++;
    }

    /// <summary>Sorts the buffer by hash and appends it to the file as the next run.</summary>
    private void Spill()
    {
        if (_used == 0)
        {
            return;
        }

        SortRun();
        if (_records.Length == 0)
        {
            _records = new byte[RecordBytes * 4096];
        }

        int at = 0;
        for (int i = 0; i < _used; i++)
        {
            if (at == _records.Length)
            {
                _file.Write(_records, 0, at);
                at = 0;
            }

            Span<byte> record = _records.AsSpan(at, RecordBytes);
            BinaryPrimitives.WriteUInt64LittleEndian(record, _sorted[i]);
            BinaryPrimitives.WriteInt32LittleEndian(record[8..], _firstDocument + _order[i]);
            BinaryPrimitives.WriteInt64LittleEndian(record[12..], _lines[_order[i]]);
            at += RecordBytes;
        }

        _file.Write(_records, 0, at);
        _runs.Add((_fileBytes, _used));
        _fileBytes += (long)_used * RecordBytes;
        _firstDocument += _used;
        _used = 0;
    }

    /// <summary>Bits of the buckets <see cref="SortRun"/> distributes a run of <paramref name="entries"/> into: about
    /// four hashes a bucket.</summary>
    private static int BucketBits(int entries) => Math.Clamp(BitOperations.Log2((uint)Math.Max(1, entries)) - 2, 1, 16);

    /// <summary>Sorts the buffer's hashes into <see cref="_sorted"/>, their positions into <see cref="_order"/>: a
    /// counting sort by the hashes' top bits (they are uniform, so about four to a bucket), then an insertion sort,
    /// which only has to order each bucket. Several times faster than a comparison sort of keys and items.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per build, too briefly for tiered compilation
    private void SortRun()
    {
        int shift = 64 - BucketBits(_used);
        int buckets = 1 << (64 - shift);
        Array.Clear(_counts, 0, buckets + 1);
        for (int i = 0; i < _used; i++)
        {
            _counts[(int)(_hashes[i] >> shift) + 1]++;
        }

        for (int b = 1; b <= buckets; b++)
        {
            _counts[b] += _counts[b - 1];
        }

        for (int i = 0; i < _used; i++)
        {
            int at = _counts[(int)(_hashes[i] >> shift)]++;
            _sorted[at] = _hashes[i];
            _order[at] = i;
        }

        for (int i = 1; i < _used; i++)
        {
            ulong hash = _sorted[i];
            int position = _order[i];
            int j = i - 1;
            for (; j >= 0 && _sorted[j] > hash; j--)
            {
                _sorted[j + 1] = _sorted[j];
                _order[j + 1] = _order[j];
            }

            _sorted[j + 1] = hash;
            _order[j + 1] = position;
        }
    }

    /// <summary>Spills what the buffer holds, then merges every run and calls <paramref name="group"/> with each set of
    /// two or more documents whose ids hashed alike, as (document, line) in document order. No hash can be added
    /// after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per build, too briefly for tiered compilation
    public void ForEachCollision(Action<List<(int Document, long Line)>> group)
    {
        Spill();
        int k = _runs.Count;
        if (k == 0)
        {
            return;
        }

        int bufferRecords = Math.Max(4096 / RecordBytes, MergeBufferBytes / RecordBytes / k);
        var readers = new RunReader[k];
        for (int i = 0; i < k; i++)
        {
            readers[i] = new RunReader(_file.SafeFileHandle, _runs[i].Offset, _runs[i].Count, bufferRecords);
        }

        // a binary min-heap of the runs by their current hash
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < k; i++)
        {
            heap[size++] = i;
            SiftUp(heap, size - 1, readers);
        }

        var equal = new List<(int Document, long Line)>();
        ulong last = 0;
        while (size > 0)
        {
            RunReader top = readers[heap[0]];
            if (equal.Count > 0 && top.Hash != last)
            {
                Flush(equal, group);
            }

            last = top.Hash;
            equal.Add((top.Document, top.Line));
            if (top.MoveNext())
            {
                SiftDown(heap, 0, size, readers);
            }
            else
            {
                heap[0] = heap[--size];
                SiftDown(heap, 0, size, readers);
            }
        }

        Flush(equal, group);
    }

    private static void Flush(List<(int Document, long Line)> equal, Action<List<(int Document, long Line)>> group)
    {
        if (equal.Count > 1)
        {
            equal.Sort((a, b) => a.Document.CompareTo(b.Document));
            group(equal);
        }

        equal.Clear();
    }

    private static void SiftUp(int[] heap, int i, RunReader[] readers)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (readers[heap[parent]].Hash <= readers[heap[i]].Hash)
            {
                return;
            }

            (heap[parent], heap[i]) = (heap[i], heap[parent]);
            i = parent;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per build, too briefly for tiered compilation
    private static void SiftDown(int[] heap, int i, int size, RunReader[] readers)
    {
        while (true)
        {
            int left = (2 * i) + 1, smallest = i;
            if (left < size && readers[heap[left]].Hash < readers[heap[smallest]].Hash)
            {
                smallest = left;
            }

            if (left + 1 < size && readers[heap[left + 1]].Hash < readers[heap[smallest]].Hash)
            {
                smallest = left + 1;
            }

            if (smallest == i)
            {
                return;
            }

            (heap[smallest], heap[i]) = (heap[i], heap[smallest]);
            i = smallest;
        }
    }

    /// <summary>Fills <paramref name="target"/> from <paramref name="offset"/> of the file (a positioned read may return
    /// less than asked).</summary>
    public static void ReadExactly(SafeFileHandle handle, Span<byte> target, long offset)
    {
        while (!target.IsEmpty)
        {
            int n = RandomAccess.Read(handle, target, offset);
            if (n <= 0)
            {
                throw new EndOfStreamException("a temporary file of the build ended early");
            }

            target = target[n..];
            offset += n;
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        File.Delete(_path);
    }

    /// <summary>Reads one run's records in order through its own buffer (positioned reads: the runs share the file).</summary>
    private sealed class RunReader
    {
        private readonly SafeFileHandle _handle;
        private readonly byte[] _buffer;
        private long _offset; // next byte of the run to read from the file
        private int _left; // records of the run not yet read into the buffer
        private int _at;
        private int _end;

        public RunReader(SafeFileHandle handle, long offset, int count, int bufferRecords)
        {
            _handle = handle;
            _offset = offset;
            _left = count;
            _buffer = new byte[bufferRecords * RecordBytes];
            MoveNext();
        }

        public ulong Hash { get; private set; }

        public int Document { get; private set; }

        public long Line { get; private set; }

        /// <summary>Takes the next record; false at the end of the run.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per build, too briefly for tiered compilation
        public bool MoveNext()
        {
            if (_at == _end)
            {
                if (_left == 0)
                {
                    return false;
                }

                int records = Math.Min(_left, _buffer.Length / RecordBytes);
                ReadExactly(_handle, _buffer.AsSpan(0, records * RecordBytes), _offset);
                _offset += records * RecordBytes;
                _left -= records;
                (_at, _end) = (0, records * RecordBytes);
            }

            ReadOnlySpan<byte> record = _buffer.AsSpan(_at, RecordBytes);
            Hash = BinaryPrimitives.ReadUInt64LittleEndian(record);
            Document = BinaryPrimitives.ReadInt32LittleEndian(record[8..]);
            Line = BinaryPrimitives.ReadInt64LittleEndian(record[12..]);
            _at += RecordBytes;
            return true;
        }
    }
}
