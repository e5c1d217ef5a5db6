namespace Lodestar.Index;

/// <summary>The accumulator's spilled runs: each one the pool's postings at a spill, in term order, written as records
/// (term id, df, first doc, last doc, postings bytes). Every run is in the same order (the terms' ordinal order), so
/// at the end one pass over the sorted vocabulary merges them: each term's parts are copied from the runs that hold it,
/// in run order, streaming, with only the first gap of each later part re-encoded.</summary>
internal sealed partial class PostingAccumulator
{
    /// <summary>Writes the pool's postings as the next sorted run and starts again empty.</summary>
    private void Spill()
    {
        string path = Path.Combine(_spillDirectory, $"run-{_runs.Count:D4}.tmp");
        using (var stream = new BufferedStream(File.Create(path), 1 << 16))
        {
            (_, _, int[] ids) = InTermOrder(TermsInPool());
            byte[] bytes = new byte[4096];
            foreach (int t in ids)
            {
                int length = _pool.Length(t);
                if (length > bytes.Length)
                {
                    bytes = new byte[Math.Max(length, bytes.Length * 2)];
                }

                _pool.CopyTo(t, bytes);
                int pos = 0;
                int firstDoc = (int)VarInt.Read(bytes, ref pos) - 1; // gaps are counted from −1
                VarInt.Write(stream, (ulong)t);
                VarInt.Write(stream, (ulong)_pool.Df(t));
                VarInt.Write(stream, (ulong)firstDoc);
                VarInt.Write(stream, (ulong)_pool.Last(t));
                VarInt.Write(stream, (ulong)length);
                stream.Write(bytes, 0, length);
            }
        }

        _runs.Add(path);
        _pool.Reset();
    }

    /// <summary>Spills what the pool holds as the last run, then merges the runs into the final files.</summary>
    private (int Terms, long Postings) WriteMerged(Stream termsFile, Stream postingsFile)
    {
        Spill();
        var readers = _runs.Select(r => new RunReader(r)).ToList();
        try
        {
            (TermKeys keys, int[] positions, int[] order) = InTermOrder([.. Enumerable.Range(0, _vocabulary.Count)]);
            int termCount = 0;
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

                if (df == 0)
                {
                    continue;
                }

                WriteTermEntry(termsFile, keys[positions[i]], df, length);
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

                termCount++;
                postings += df;
            }

            return (termCount, postings);
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

        public RunReader(string path)
        {
            _stream = new BufferedStream(File.OpenRead(path), 1 << 16);
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
            if (_stream.Position >= _stream.Length)
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
