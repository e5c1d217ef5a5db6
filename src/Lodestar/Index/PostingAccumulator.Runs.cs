namespace Lodestar.Index;

/// <summary>The accumulator's spilled runs: each one the pool's postings at a spill, in term order, written as records
/// (term id, df, first doc, last doc, postings bytes). Every run is in the same order (the terms' ordinal order), so
/// at the end one pass over the sorted vocabulary merges them with what the pool holds (never spilled): each term's
/// parts are copied from the runs that hold it, in run order, then from the pool, streaming, with only the first gap
/// of each later part re-encoded.</summary>
internal sealed partial class PostingAccumulator
{
    /// <summary>Writes the pool's postings as the next sorted run and starts again empty.</summary>
    private void Spill()
    {
        string path = Path.Combine(_spillDirectory, $"run-{_runs.Count:D4}.tmp");
        using (var stream = new BufferedStream(File.Create(path), 1 << 16))
        {
            (_, _, int[] ids) = InTermOrder(TermsInPool());
            foreach (int t in ids)
            {
                VarInt.Write(stream, (ulong)t);
                VarInt.Write(stream, (ulong)_pool.Df(t));
                VarInt.Write(stream, (ulong)_pool.First(t));
                VarInt.Write(stream, (ulong)_pool.Last(t));
                VarInt.Write(stream, (ulong)_pool.Length(t));
                _pool.WriteTo(t, stream);
            }
        }

        _runs.Add(path);
        _pool.Reset();
    }

    /// <summary>Merges the spilled runs and what the pool holds (the last part of every term, not spilled) into the
    /// final files, in one pass over the sorted vocabulary.</summary>
    private (int Terms, long Postings) WriteMerged(TermsWriter terms, Stream postingsFile)
    {
        var readers = _runs.Select(r => new RunReader(r)).ToList();
        try
        {
            (TermKeys keys, int[] positions, int[] order) = InTermOrder([.. Enumerable.Range(0, _vocabulary.Count)]);
            long postings = 0;
            for (int i = 0; i < order.Length; i++)
            {
                int t = order[i];
                int df = 0, last = -1;
                long length = 0;
                foreach (RunReader r in readers)
                {
                    if (r.Term == t)
                    {
                        df += r.Df;
                        length += r.Length - VarInt.Size((ulong)(r.FirstDoc + 1)) + VarInt.Size((ulong)(r.FirstDoc - last));
                        last = r.LastDoc;
                    }
                }

                int inPool = _pool.Df(t);
                if (inPool > 0)
                {
                    int first = _pool.First(t);
                    df += inPool;
                    length += _pool.Length(t) - VarInt.Size((ulong)(first + 1)) + VarInt.Size((ulong)(first - last));
                }

                if (df == 0)
                {
                    continue;
                }

                terms.Add(keys[positions[i]], df, length);
                last = -1;
                foreach (RunReader r in readers)
                {
                    if (r.Term == t)
                    {
                        r.CopyTo(postingsFile, r.FirstDoc - last);
                        last = r.LastDoc;
                        r.MoveNext();
                    }
                }

                if (inPool > 0)
                {
                    int first = _pool.First(t);
                    VarInt.Write(postingsFile, (ulong)(first - last));
                    _pool.WriteTo(t, postingsFile, skip: VarInt.Size((ulong)(first + 1)));
                }

                postings += df;
            }

            return (terms.Count, postings);
        }
        finally
        {
            foreach (RunReader r in readers)
            {
                r.Dispose();
            }
        }
    }

    /// <summary>Reads the records of one spilled run in order: the current record's header, then its postings.</summary>
    private sealed class RunReader : IDisposable
    {
        private readonly BufferedStream _stream;
        private readonly byte[] _copy = new byte[1 << 16];
        private readonly long _length; // asked once: Stream.Length is an fstat call, and this reader asks per record

        public RunReader(string path)
        {
            _stream = new BufferedStream(File.OpenRead(path), 1 << 16);
            _length = _stream.Length;
            MoveNext();
        }

        /// <summary>The current record's term id, −1 at the end of the run.</summary>
        public int Term { get; private set; }

        public int Df { get; private set; }

        public int FirstDoc { get; private set; }

        public int LastDoc { get; private set; }

        public int Length { get; private set; }

        /// <summary>Reads the next record's header.</summary>
        public void MoveNext()
        {
            if (_stream.Position >= _length)
            {
                Term = -1;
                return;
            }

            Term = (int)ReadVar();
            Df = (int)ReadVar();
            FirstDoc = (int)ReadVar();
            LastDoc = (int)ReadVar();
            Length = (int)ReadVar();
        }

        /// <summary>Copies the current record's postings to <paramref name="target"/>, with <paramref name="firstGap"/>
        /// in place of its first gap.</summary>
        public void CopyTo(Stream target, int firstGap)
        {
            int remaining = Length - VarInt.Size(ReadVar());
            VarInt.Write(target, (ulong)firstGap);
            while (remaining > 0)
            {
                int n = Math.Min(remaining, _copy.Length);
                _stream.ReadExactly(_copy, 0, n);
                target.Write(_copy, 0, n);
                remaining -= n;
            }
        }

        private ulong ReadVar()
        {
            ulong value = 0;
            int shift = 0;
            int b;
            do
            {
                b = _stream.ReadByte();
                if (b < 0)
                {
                    throw new EndOfStreamException("a spilled run ended inside a record");
                }

                value |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            }
            while (b >= 0x80);

            return value;
        }

        public void Dispose() => _stream.Dispose();
    }
}
