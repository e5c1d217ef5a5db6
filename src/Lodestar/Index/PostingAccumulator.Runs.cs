using System.Text;

namespace Lodestar.Index;

/// <summary>The accumulator's spilled runs: each one the pool's postings at a spill, sorted by term and written as
/// records (UTF-8 term, df, first doc, last doc, postings bytes); at the end the runs are merged k-way by term.</summary>
internal sealed partial class PostingAccumulator
{
    /// <summary>Writes the pool's postings as the next sorted run and starts again empty.</summary>
    private void Spill()
    {
        string path = Path.Combine(_spillDirectory, $"run-{_runs.Count:D4}.tmp");
        using (var stream = new BufferedStream(File.Create(path), 1 << 20))
        {
            (string[] keys, int[] ids) = InTermOrder(TermsInPool());
            byte[] bytes = new byte[4096];
            for (int i = 0; i < ids.Length; i++)
            {
                int t = ids[i];
                int length = _pool.Length(t);
                if (length > bytes.Length)
                {
                    bytes = new byte[Math.Max(length, bytes.Length * 2)];
                }

                _pool.CopyTo(t, bytes);
                WriteRecord(stream, keys[i], _pool.Df(t), _pool.Last(t), bytes.AsSpan(0, length));
            }
        }

        _runs.Add(path);
        _pool.Reset();
    }

    /// <summary>One run record: UTF-8 term, df, first doc, last doc, postings bytes (the first doc is the first gap
    /// less one: gaps are counted from −1).</summary>
    private static void WriteRecord(Stream stream, string term, int df, int lastDoc, ReadOnlySpan<byte> postings)
    {
        int pos = 0;
        int firstDoc = (int)VarInt.Read(postings, ref pos) - 1;
        byte[] utf8 = Encoding.UTF8.GetBytes(term);
        VarInt.Write(stream, (ulong)utf8.Length);
        stream.Write(utf8);
        VarInt.Write(stream, (ulong)df);
        VarInt.Write(stream, (ulong)firstDoc);
        VarInt.Write(stream, (ulong)lastDoc);
        VarInt.Write(stream, (ulong)postings.Length);
        stream.Write(postings);
    }

    /// <summary>Merges the spilled runs (the buffered postings spilled as the last one) into the final files.</summary>
    private (int Terms, long Postings) WriteMerged(Stream termsFile, Stream postingsFile)
    {
        IEnumerable<(string Term, PostingBuffer Buffer)> merged = MergeRuns();
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
