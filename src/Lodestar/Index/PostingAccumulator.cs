using System.Text;

namespace Lodestar.Index;

/// <summary>
/// Single-pass in-memory inversion (SPIMI): per-term postings grow as varint (doc gap, tf) pairs; when their size
/// passes the memory budget they are spilled to a sorted run file, and <see cref="WriteTo"/> merges the runs.
/// </summary>
/// <remarks>
/// Documents must arrive in increasing doc id order. Terms are ids of a shared <see cref="Vocabulary"/>, so this
/// stage never hashes a string. Memory is bounded by the budget plus the vocabulary; terms are written in ordinal
/// UTF-16 order.
/// </remarks>
internal sealed class PostingAccumulator : IDisposable
{
    private const int TermOverheadBytes = 48;

    private readonly Vocabulary _vocabulary;
    private readonly string _spillDirectory;
    private readonly long _budget;
    private readonly List<string> _runs = [];
    private PostingBuffer?[] _buffers = new PostingBuffer?[1024];
    private long _bytes;

    public PostingAccumulator(Vocabulary vocabulary, string spillDirectory, long budgetBytes)
    {
        _vocabulary = vocabulary;
        _spillDirectory = spillDirectory;
        _budget = budgetBytes;
    }

    /// <summary>Runs spilled so far.</summary>
    public int SpilledRuns => _runs.Count;

    /// <summary>Records that term <paramref name="termId"/> occurs <paramref name="tf"/> times in <paramref name="doc"/>.</summary>
    public void Add(int termId, int doc, int tf)
    {
        if (termId >= _buffers.Length)
        {
            Array.Resize(ref _buffers, Math.Max(_buffers.Length * 2, termId + 1));
        }

        PostingBuffer? buffer = _buffers[termId];
        if (buffer is null)
        {
            buffer = new PostingBuffer();
            _buffers[termId] = buffer;
            _bytes += TermOverheadBytes;
        }

        _bytes += buffer.Add(doc, tf);
    }

    /// <summary>Spills to disk if the budget is exceeded; call between documents.</summary>
    public void SpillIfFull()
    {
        if (_bytes > _budget)
        {
            Spill();
        }
    }

    private void Spill()
    {
        string path = Path.Combine(_spillDirectory, $"run-{_runs.Count:D4}.tmp");
        using (var stream = new BufferedStream(File.Create(path), 1 << 20))
        {
            foreach ((string term, PostingBuffer buffer) in Sorted())
            {
                WriteRecord(stream, term, buffer);
            }
        }

        _runs.Add(path);
        Array.Clear(_buffers);
        _bytes = 0;
    }

    private IEnumerable<(string Term, PostingBuffer Buffer)> Sorted()
    {
        int[] ids = [.. Enumerable.Range(0, Math.Min(_buffers.Length, _vocabulary.Count)).Where(i => _buffers[i] is not null)];
        string[] keys = [.. ids.Select(i => _vocabulary[i])];
        Array.Sort(keys, ids, StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            yield return (keys[i], _buffers[ids[i]]!);
        }
    }

    private static void WriteRecord(Stream stream, string term, PostingBuffer b)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(term);
        VarInt.Write(stream, (ulong)utf8.Length);
        stream.Write(utf8);
        VarInt.Write(stream, (ulong)b.Df);
        VarInt.Write(stream, (ulong)b.FirstDoc);
        VarInt.Write(stream, (ulong)b.LastDoc);
        VarInt.Write(stream, (ulong)b.Length);
        stream.Write(b.Bytes, 0, b.Length);
    }

    /// <summary>Writes the term dictionary and postings, merging spilled runs; returns (terms, postings).</summary>
    public (int Terms, long Postings) WriteTo(Stream termsFile, Stream postingsFile)
    {
        IEnumerable<(string Term, PostingBuffer Buffer)> merged = _runs.Count == 0 ? Sorted() : MergeRuns();
        int termCount = 0;
        long postings = 0;
        var terms = new MemoryStream();
        foreach ((string term, PostingBuffer b) in merged)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(term);
            VarInt.Write(terms, (ulong)utf8.Length);
            terms.Write(utf8);
            VarInt.Write(terms, (ulong)b.Df);
            VarInt.Write(terms, (ulong)b.Length);
            postingsFile.Write(b.Bytes, 0, b.Length);
            termCount++;
            postings += b.Df;
            if (terms.Length > 1 << 20)
            {
                terms.WriteTo(termsFile);
                terms.SetLength(0);
            }
        }

        terms.WriteTo(termsFile);
        return (termCount, postings);
    }

    private IEnumerable<(string Term, PostingBuffer Buffer)> MergeRuns()
    {
        Spill();
        var readers = _runs.Select(r => new RunReader(r)).ToList();
        try
        {
            var queue = new PriorityQueue<int, (string Term, int Run)>(Comparer<(string Term, int Run)>.Create(
                (a, b) => string.CompareOrdinal(a.Term, b.Term) is int c && c != 0 ? c : a.Run.CompareTo(b.Run)));
            for (int i = 0; i < readers.Count; i++)
            {
                if (readers[i].MoveNext())
                {
                    queue.Enqueue(i, (readers[i].Term, i));
                }
            }

            while (queue.TryPeek(out _, out (string Term, int Run) top))
            {
                var merged = new PostingBuffer();
                while (queue.TryPeek(out int run, out (string Term, int Run) key) && key.Term == top.Term)
                {
                    queue.Dequeue();
                    merged.Append(readers[run].Current);
                    if (readers[run].MoveNext())
                    {
                        queue.Enqueue(run, (readers[run].Term, run));
                    }
                }

                yield return (top.Term, merged);
            }
        }
        finally
        {
            foreach (RunReader r in readers)
            {
                r.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (string run in _runs)
        {
            File.Delete(run);
        }
    }

    /// <summary>Reads the records of one spilled run in order.</summary>
    private sealed class RunReader(string path) : IDisposable
    {
        private readonly BufferedStream _stream = new(File.OpenRead(path), 1 << 20);

        public string Term { get; private set; } = "";

        public PostingBuffer Current { get; private set; } = new();

        public bool MoveNext()
        {
            if (_stream.Position >= _stream.Length)
            {
                return false;
            }

            byte[] utf8 = new byte[ReadVar()];
            _stream.ReadExactly(utf8);
            Term = Encoding.UTF8.GetString(utf8);
            var b = new PostingBuffer { Df = (int)ReadVar(), FirstDoc = (int)ReadVar(), LastDoc = (int)ReadVar() };
            int length = (int)ReadVar();
            b.Bytes = new byte[length];
            _stream.ReadExactly(b.Bytes);
            b.Length = length;
            Current = b;
            return true;
        }

        private ulong ReadVar()
        {
            ulong value = 0;
            int shift = 0;
            int b;
            do
            {
                b = _stream.ReadByte();
                value |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            }
            while (b >= 0x80);

            return value;
        }

        public void Dispose() => _stream.Dispose();
    }
}
