using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Lodestar.Analysis;
using Lodestar.Errors;
using Lodestar.Formats;

namespace Lodestar.Index;

/// <summary>
/// Builds an immutable index from a corpus file: postings (varint doc gaps and tfs), the term dictionary and its offset
/// table, document lengths, external ids and their offset table, the compressed document store, and a header with the
/// CRC-32C of every 64 KiB block of every file.
/// </summary>
/// <remarks>
/// Pipeline: the corpus is read in batches (<see cref="BuildBatch"/>), a few ahead; worker threads parse and analyze
/// them (<see cref="LineAnalyzer"/>) while this thread, the writer, adds finished batches in order to the postings
/// (<see cref="PostingAccumulator"/>) and the store (<see cref="StoreWriter"/>), and helps analyze the batch it needs
/// whenever the workers are behind. Memory is bounded by
/// <see cref="IndexBuildOptions.MemoryBudgetBytes"/>, the vocabulary and the batches in flight, whatever the number of
/// documents: the ids' 64-bit hashes go to sorted runs on disk (<see cref="DocIdWriter"/>), lengths and ids are streamed
/// to their files. Everything is written into
/// <c>OUTPUT.tmp-PID</c>, renamed to OUTPUT only when complete; on failure the temporary directory is removed.
/// </remarks>
public static class IndexWriter
{
    /// <summary>Builds the index of <paramref name="corpusPath"/> into <paramref name="output"/>.</summary>
    /// <exception cref="InputException">Bad corpus input, or the output exists and overwriting was not asked.</exception>
    public static IndexBuildSummary Build(string corpusPath, string output, IndexBuildOptions options, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        output = Path.GetFullPath(output);
        if (File.Exists(output))
        {
            ThrowHelper.Input(output, 0, 0, "expected a new index folder, found a file");
        }

        if (Directory.Exists(output) && !options.Overwrite)
        {
            ThrowHelper.Input(output, 0, 0, "expected a new index directory, found an existing one (use --overwrite to replace it)");
        }

        _ = Analyzer.Create(options.Analyzer); // fail early on an unknown name
        NativeHeap.KeepFreedMemory(); // Brotli's per-block tables, reused instead of unmapped and faulted in again
        StaleBuilds.Clean(output); // folders of builds that were killed
        string temp = $"{output}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        Directory.CreateDirectory(temp);
        try
        {
            var build = new BuildJob(corpusPath, temp, options);
            IndexHeader header = build.Run(ct);
            header.Write(temp);
            Publish(temp, output);
            long bytes = new DirectoryInfo(output).EnumerateFiles().Sum(f => f.Length);
            return new IndexBuildSummary(header.DocumentCount, build.EmptyDocuments, header.TermCount, header.TotalTerms,
                build.SpilledRuns, bytes, clock.Elapsed.TotalSeconds);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    private static void Publish(string temp, string output)
    {
        if (!Directory.Exists(output))
        {
            Directory.Move(temp, output);
            return;
        }

        string old = $"{output}.old-{Environment.ProcessId}";
        Directory.Move(output, old);
        Directory.Move(temp, output);
        Directory.Delete(old, recursive: true);
    }

    private sealed class BuildJob(string corpusPath, string dir, IndexBuildOptions options)
    {
        /// <summary>Batches read ahead of the one being written, so the workers never wait for the reader.</summary>
        private const int ReadAhead = 3;

        private int _documents;
        private int _nonEmpty;
        private readonly Vocabulary _vocabulary = new();
        private readonly Arenas _arenas = new();
        private long _tokens;
        private bool _endOfInput;

        public long EmptyDocuments { get; private set; }

        public int SpilledRuns { get; private set; }

        /// <summary>The writer's loop: takes the batches in order, helps analyze the one it needs if the workers are
        /// behind, reads ahead, then adds the batch's documents to the postings, ids, lengths and store.</summary>
        public IndexHeader Run(CancellationToken ct)
        {
            using var reader = new LineReader(corpusPath);
            using var accumulator = new PostingAccumulator(_vocabulary, dir, options.MemoryBudgetBytes);
            using var ids = new DocIdWriter(dir, corpusPath, IdRunEntries(options.MemoryBudgetBytes));
            using var lengths = new BinaryWriter(new BufferedStream(File.Create(Path.Combine(dir, "doclens.bin")), 1 << 16));
            using var store = new StoreWriter(dir);
            using var analyzer = new LineAnalyzer(corpusPath, options.Analyzer, _vocabulary);
            int threads = options.Threads > 0 ? options.Threads : Math.Max(1, Environment.ProcessorCount - 1);
            var open = new Queue<BuildBatch>();
            try
            {
                using var workers = new BuildWorkers(threads, analyzer);
                Fill(reader, open, workers);
                while (open.TryDequeue(out BuildBatch? batch))
                {
                    ct.ThrowIfCancellationRequested();
                    batch.Help(analyzer);
                    batch.Wait();
                    workers.Close(batch);
                    Fill(reader, open, workers);
                    Write(batch, accumulator, ids, lengths, store);
                    batch.Release();
                    accumulator.SpillIfFull();
                    options.Progress?.Report(new IndexProgress(_documents, _tokens, batch.BytesRead, reader.Length));
                }
            }
            catch (InputException)
            {
                // a duplicate id is found only when the hashes' runs are merged: one on an earlier line comes first
                ids.ThrowIfDuplicates();
                throw;
            }

            store.Finish();
            if (_documents == 0)
            {
                ThrowHelper.Input(corpusPath, 0, 0, "expected documents, found none");
            }

            // the ids, lengths and store are complete: their checksums are computed on other cores while this thread
            // merges and writes the postings
            ids.Finish();
            lengths.Dispose();
            store.Dispose();
            // what only the input stage needed (line buffers, chunk buffers, term caches) is let go and
            // collected before the final stage allocates its own, so that the two do not add up in the peak
            analyzer.Dispose();
            _arenas.Clear();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
            ids.ThrowIfDuplicates(); // before the final stage: a duplicate id fails the build without writing the postings
            ids.Dispose();
            var checksums = new Dictionary<string, Task<BlockChecksums>>(StringComparer.Ordinal);
            foreach (string name in (string[])["doclens.bin", "docids.bin", "docids.idx", "store.idx", "store.bin"])
            {
                checksums[name] = Task.Run(() => BlockChecksums.Of(Path.Combine(dir, name), BlockFile.BlockSizeFor(name)));
            }

            (int terms, long postings) = WritePostings(accumulator);
            SpilledRuns = accumulator.SpilledRuns;
            foreach (string name in (string[])["terms.bin", "terms.idx", "postings.bin"])
            {
                checksums[name] = Task.Run(() => BlockChecksums.Of(Path.Combine(dir, name), BlockFile.BlockSizeFor(name)));
            }

            Task.WaitAll(checksums.Values);
            return MakeHeader(terms, postings, checksums);
        }

        private void Fill(LineReader reader, Queue<BuildBatch> open, BuildWorkers workers)
        {
            while (!_endOfInput && open.Count < ReadAhead)
            {
                BuildBatch? next = BuildBatch.Read(reader, _arenas);
                _endOfInput = next is null || next.ReadError is not null;
                if (next is not null)
                {
                    open.Enqueue(next);
                    workers.Open(next);
                }
            }
        }

        /// <summary>Adds a batch's documents in line order, applying the empty-document policy.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Write(BuildBatch batch, PostingAccumulator accumulator, DocIdWriter ids, BinaryWriter lengths, StoreWriter store)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                ref AnalyzedDocument doc = ref batch.Documents[i];
                if (doc.Terms == 0)
                {
                    EmptyDocuments++;
                    if (options.EmptyDocuments == EmptyDocumentPolicy.Error)
                    {
                        ThrowHelper.Input(corpusPath, doc.Line, 1,
                            $"expected a document with at least one term, found {Quote(doc.Id)} empty (use --empty keep|skip)");
                    }

                    if (options.EmptyDocuments == EmptyDocumentPolicy.Skip)
                    {
                        continue;
                    }
                }

                ids.Add(doc.Id, doc.Line, doc.IdHash);
                int docId = _documents++;
                // the terms' states two documents ahead, the bytes their postings go to one ahead: random accesses
                // into megabytes, fetched while this document's postings are added
                if (i + 2 < batch.Count)
                {
                    foreach (int t in batch.TermIds(i + 2))
                    {
                        accumulator.Prefetch(t, write: false);
                    }
                }

                if (i + 1 < batch.Count)
                {
                    foreach (int t in batch.TermIds(i + 1))
                    {
                        accumulator.Prefetch(t, write: true);
                    }
                }

                ReadOnlySpan<int> terms = batch.TermIds(i), tfs = batch.Tfs(i);
                for (int t = 0; t < terms.Length; t++)
                {
                    accumulator.Add(terms[t], docId, tfs[t]);
                }

                lengths.Write(doc.Terms);
                _nonEmpty += doc.Terms > 0 ? 1 : 0;
                _tokens += doc.Terms;
                store.Add(batch.Texts[i]);
            }
        }

        /// <summary>Id hashes per sorted run: a 256th of the postings budget in entries (65,536 by default, 1.8 MB of
        /// buffer), at least 1,024 and at most a million.</summary>
        private static int IdRunEntries(long budgetBytes) => (int)Math.Clamp(budgetBytes / 256, 1024, 1 << 20);

        private static string Quote(ReadOnlySpan<byte> id) => ThrowHelper.Quote(Encoding.UTF8.GetString(id));

        private (int Terms, long Postings) WritePostings(PostingAccumulator accumulator)
        {
            using var terms = new BufferedStream(File.Create(Path.Combine(dir, "terms.bin")), 1 << 16);
            using var index = new BufferedStream(File.Create(Path.Combine(dir, "terms.idx")), 1 << 16);
            using var postings = new BufferedStream(File.Create(Path.Combine(dir, "postings.bin")), 1 << 16);
            return accumulator.WriteTo(new TermsWriter(terms, index), postings);
        }

        private IndexHeader MakeHeader(int terms, long postings, Dictionary<string, Task<BlockChecksums>> checksums)
        {
            var files = new Dictionary<string, BlockChecksums>(StringComparer.Ordinal);
            foreach (string name in IndexReader.DataFiles)
            {
                files[name] = checksums[name].Result;
            }

            Analyzer analyzer = Analyzer.Create(options.Analyzer);
            return new IndexHeader
            {
                Analyzer = analyzer.Name,
                AnalyzerVersion = analyzer.Version,
                DocumentCount = _documents,
                NonEmptyDocumentCount = _nonEmpty,
                TotalTerms = _tokens,
                TermCount = terms,
                PostingCount = postings,
                Source = Path.GetFullPath(corpusPath),
                Files = files,
            };
        }
    }
}
