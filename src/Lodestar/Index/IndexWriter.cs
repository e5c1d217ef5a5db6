using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Lodestar.Analysis;
using Lodestar.Errors;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Index;

/// <summary>
/// Builds an immutable index from a corpus file: postings (varint doc gaps and tfs), document lengths, external ids,
/// the compressed document store, and a checksummed header.
/// </summary>
/// <remarks>
/// Pipeline: the corpus is read in batches; each batch is parsed, analyzed and compressed on all threads while the
/// previous batch is inverted in order (<see cref="PostingAccumulator"/>). Memory is bounded by
/// <see cref="IndexBuildOptions.MemoryBudgetBytes"/> plus O(N) for ids and lengths. Everything is written into
/// <c>OUTPUT.tmp-PID</c>, renamed to OUTPUT only when complete; on failure the temporary directory is removed.
/// </remarks>
public static class IndexWriter
{
    private const int BatchSize = 2048;

    /// <summary>Builds the index of <paramref name="corpusPath"/> into <paramref name="output"/>.</summary>
    /// <exception cref="InputException">Bad corpus input, or the output exists and overwriting was not asked.</exception>
    public static IndexBuildSummary Build(string corpusPath, string output, IndexBuildOptions options, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        output = Path.GetFullPath(output);
        if (Directory.Exists(output) && !options.Overwrite)
        {
            ThrowHelper.Input(output, 0, 0, "expected a new index directory, found an existing one (use --overwrite to replace it)");
        }

        _ = Analyzer.Create(options.Analyzer); // fail early on an unknown name
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

    /// <summary>One document after the parallel stage: its distinct term ids (ascending) with their tfs.</summary>
    private sealed class Analyzed
    {
        public required string Id;
        public long Line;
        public int[] TermIds = [];
        public int[] Tfs = [];
        public int Terms;
    }

    /// <summary>One batch after the parallel stage: kept documents and their compressed store blocks.</summary>
    private sealed class Batch
    {
        public List<Analyzed> Docs = [];
        public List<ArraySegment<byte>> Texts = [];
        public byte[]? Arena;
        public long Empty;
        public long BytesRead;
    }

    private sealed class BuildJob(string corpusPath, string dir, IndexBuildOptions options)
    {
        private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);
        private readonly List<int> _lengths = [];
        private readonly ThreadLocal<Analyzer> _analyzers = new(() => Analyzer.Create(options.Analyzer));
        private readonly ThreadLocal<List<int>> _scratch = new(() => new List<int>(256));
        private readonly Vocabulary _vocabulary = new();
        private readonly ThreadLocal<TermCache?> _terms = new(); // each worker's cache in front of the vocabulary
        private long _tokens;

        public long EmptyDocuments { get; private set; }

        public int SpilledRuns { get; private set; }

        public IndexHeader Run(CancellationToken ct)
        {
            using var reader = new LineReader(corpusPath);
            using var accumulator = new PostingAccumulator(_vocabulary, dir, options.MemoryBudgetBytes);
            using var docIds = new BufferedStream(File.Create(Path.Combine(dir, "docids.bin")), 1 << 20);
            using var store = new BufferedStream(File.Create(Path.Combine(dir, "store.bin")), 1 << 20);
            using var storeIdx = new BufferedStream(File.Create(Path.Combine(dir, "store.idx")), 1 << 16);
            int threads = options.Threads > 0 ? options.Threads : Math.Max(1, Environment.ProcessorCount - 1);

            Task<Batch>? pending = StartBatch(reader, threads);
            long storeOffset = 0;
            while (pending is not null)
            {
                Batch batch = pending.GetAwaiter().GetResult();
                ct.ThrowIfCancellationRequested();
                pending = StartBatch(reader, threads);

                int firstDoc = _lengths.Count;
                foreach (Analyzed doc in batch.Docs)
                {
                    AddDocument(doc, accumulator, docIds);
                }

                // The store's blocks are compressed here, on the writer's thread, which has time to spare while the
                // workers parse the next batch (measured: it balances the two cores; docs/benchmarks.md).
                for (int b = 0, start = 0; start < batch.Texts.Count; b++, start += DocumentStore.BlockSize)
                {
                    byte[] block = DocumentStore.CompressBlock(batch.Texts, start, Math.Min(DocumentStore.BlockSize, batch.Texts.Count - start));
                    DocumentStore.WriteIndexEntry(storeIdx, storeOffset, firstDoc + (b * DocumentStore.BlockSize));
                    store.Write(block);
                    storeOffset += block.Length;
                }

                if (batch.Arena is not null)
                {
                    ArrayPool<byte>.Shared.Return(batch.Arena); // the texts are compressed: the lines are no longer needed
                }

                EmptyDocuments += batch.Empty;
                accumulator.SpillIfFull();
                options.Progress?.Report(new IndexProgress(_lengths.Count, _tokens, batch.BytesRead, reader.Length));
            }

            DocumentStore.WriteIndexEntry(storeIdx, storeOffset, _lengths.Count);
            if (_lengths.Count == 0)
            {
                ThrowHelper.Input(corpusPath, 0, 0, "expected documents, found none");
            }

            WriteLengths();
            (int terms, long postings) = WritePostings(accumulator);
            SpilledRuns = accumulator.SpilledRuns;
            docIds.Dispose();
            store.Dispose();
            storeIdx.Dispose();
            return MakeHeader(terms, postings);
        }

        private void AddDocument(Analyzed doc, PostingAccumulator accumulator, Stream docIds)
        {
            if (!_ids.TryAdd(doc.Id, doc.Line))
            {
                ThrowHelper.Input(corpusPath, doc.Line, 1,
                    $"expected unique document ids, found {ThrowHelper.Quote(doc.Id)} again (first on line {_ids[doc.Id]})");
            }

            int docId = _lengths.Count;
            for (int t = 0; t < doc.TermIds.Length; t++)
            {
                accumulator.Add(doc.TermIds[t], docId, doc.Tfs[t]);
            }

            _lengths.Add(doc.Terms);
            _tokens += doc.Terms;
            byte[] id = Encoding.UTF8.GetBytes(doc.Id);
            VarInt.Write(docIds, (ulong)id.Length);
            docIds.Write(id);
        }

        /// <summary>Reads the next <see cref="BatchSize"/> lines into one pooled buffer (no array per line; the buffer is
        /// swapped for a larger one when the lines need it) and starts their parallel stage. The writer returns the
        /// buffer to the pool once the batch's texts are compressed. Batches of a fixed line count keep the store's
        /// block layout, and so the index bytes, independent of line lengths.</summary>
        private Task<Batch>? StartBatch(LineReader reader, int threads)
        {
            var lines = new List<(ArraySegment<byte> Bytes, long Line)>(BatchSize);
            byte[] arena = ArrayPool<byte>.Shared.Rent(ArenaBytes);
            int used = 0;
            while (lines.Count < BatchSize && reader.TryReadLine(out ReadOnlySpan<byte> line))
            {
                if (line.Trim((byte)' ').IsEmpty)
                {
                    continue;
                }

                if (used + line.Length > arena.Length)
                {
                    // move what we have into a buffer that holds this line as well
                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(arena.Length * 2, used + line.Length));
                    arena.AsSpan(0, used).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(arena);
                    for (int i = 0; i < lines.Count; i++)
                    {
                        lines[i] = (new ArraySegment<byte>(larger, lines[i].Bytes.Offset, lines[i].Bytes.Count), lines[i].Line);
                    }

                    arena = larger;
                }

                line.CopyTo(arena.AsSpan(used));
                lines.Add((new ArraySegment<byte>(arena, used, line.Length), reader.LineNumber));
                used += line.Length;
            }

            if (lines.Count == 0)
            {
                ArrayPool<byte>.Shared.Return(arena);
                return null;
            }

            long bytesRead = reader.BytesRead;
            return Task.Run(() =>
            {
                Batch batch = Process(lines, threads, bytesRead);
                batch.Arena = arena;
                return batch;
            });
        }

        /// <summary>Bytes a batch's lines are read into (about 2,048 lines of 500 bytes; pooled, so not reallocated).</summary>
        private const int ArenaBytes = 2 << 20;

        private Batch Process(List<(ArraySegment<byte> Bytes, long Line)> lines, int threads, long bytesRead)
        {
            var docs = new Analyzed?[lines.Count];
            var texts = new ArraySegment<byte>[lines.Count];
            var errors = new InputException?[lines.Count];
            bool pretokenized = options.Analyzer == WhitespaceAnalyzer.RegistryName;
            Parallel.For(0, lines.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                try
                {
                    List<int> ids = _scratch.Value!;
                    TermCache terms = _terms.Value ??= new TermCache(_vocabulary);
                    if (IndexLineParser.TryParse(lines[i].Bytes, terms, pretokenized, ids, out string id, out ArraySegment<byte> text, out bool hadTokens))
                    {
                        if (!hadTokens)
                        {
                            _analyzers.Value!.Analyze(Encoding.UTF8.GetString(text.AsSpan()), term => ids.Add(terms.GetOrAdd(term)));
                        }

                        docs[i] = Aggregate(id, lines[i].Line, ids);
                        texts[i] = text;
                    }
                    else
                    {
                        // The general parser: other shapes, and the exact error for bad input.
                        Document doc = CorpusReader.Parse(corpusPath, lines[i].Line, lines[i].Bytes);
                        texts[i] = new ArraySegment<byte>(Encoding.UTF8.GetBytes(doc.Text));
                        docs[i] = Analyze(doc, lines[i].Line);
                    }
                }
                catch (InputException e)
                {
                    errors[i] = e;
                }
            });

            if (errors.FirstOrDefault(e => e is not null) is InputException first)
            {
                throw first;
            }

            var batch = new Batch { BytesRead = bytesRead };
            var keptTexts = new List<ArraySegment<byte>>(lines.Count);
            for (int i = 0; i < docs.Length; i++)
            {
                Analyzed doc = docs[i]!;
                if (doc.Terms == 0)
                {
                    batch.Empty++;
                    if (options.EmptyDocuments == EmptyDocumentPolicy.Error)
                    {
                        ThrowHelper.Input(corpusPath, doc.Line, 1,
                            $"expected a document with at least one term, found {ThrowHelper.Quote(doc.Id)} empty (use --empty keep|skip)");
                    }

                    if (options.EmptyDocuments == EmptyDocumentPolicy.Skip)
                    {
                        continue;
                    }
                }

                batch.Docs.Add(doc);
                keptTexts.Add(texts[i]);
            }

            batch.Texts = keptTexts;
            return batch;
        }

        private Analyzed Analyze(Document doc, long line)
        {
            List<int> ids = _scratch.Value!;
            TermCache terms = _terms.Value ??= new TermCache(_vocabulary);
            ids.Clear();
            if (doc.Tokens is not null && options.Analyzer == WhitespaceAnalyzer.RegistryName)
            {
                // Taken exactly as given, empty strings included: they are terms to gensim too.
                foreach (string token in doc.Tokens)
                {
                    ids.Add(terms.GetOrAdd(token));
                }
            }
            else
            {
                _analyzers.Value!.Analyze(doc.Text, term => ids.Add(terms.GetOrAdd(term)));
            }

            return Aggregate(doc.Id, line, ids);
        }

        /// <summary>Turns the term ids of one document into distinct ids (ascending) with their tfs.</summary>
        private static Analyzed Aggregate(string id, long line, List<int> ids)
        {
            var result = new Analyzed { Id = id, Line = line, Terms = ids.Count };
            if (ids.Count == 0)
            {
                return result;
            }

            ids.Sort();
            int distinct = 1;
            for (int i = 1; i < ids.Count; i++)
            {
                distinct += ids[i] != ids[i - 1] ? 1 : 0;
            }

            result.TermIds = new int[distinct];
            result.Tfs = new int[distinct];
            int k = 0;
            result.TermIds[0] = ids[0];
            result.Tfs[0] = 1;
            for (int i = 1; i < ids.Count; i++)
            {
                if (ids[i] == ids[i - 1])
                {
                    result.Tfs[k]++;
                }
                else
                {
                    k++;
                    result.TermIds[k] = ids[i];
                    result.Tfs[k] = 1;
                }
            }

            return result;
        }

        private void WriteLengths()
        {
            byte[] bytes = new byte[_lengths.Count * 4];
            for (int i = 0; i < _lengths.Count; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), _lengths[i]);
            }

            File.WriteAllBytes(Path.Combine(dir, "doclens.bin"), bytes);
        }

        private (int Terms, long Postings) WritePostings(PostingAccumulator accumulator)
        {
            using var terms = new BufferedStream(File.Create(Path.Combine(dir, "terms.bin")), 1 << 20);
            using var postings = new BufferedStream(File.Create(Path.Combine(dir, "postings.bin")), 1 << 20);
            return accumulator.WriteTo(terms, postings);
        }

        private IndexHeader MakeHeader(int terms, long postings)
        {
            var files = new Dictionary<string, FileChecksum>(StringComparer.Ordinal);
            foreach (string name in IndexReader.DataFiles)
            {
                string path = Path.Combine(dir, name);
                using FileStream stream = File.OpenRead(path);
                files[name] = new FileChecksum(stream.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)));
            }

            Analyzer analyzer = Analyzer.Create(options.Analyzer);
            return new IndexHeader
            {
                Analyzer = analyzer.Name,
                AnalyzerVersion = analyzer.Version,
                DocumentCount = _lengths.Count,
                NonEmptyDocumentCount = _lengths.Count(l => l > 0),
                TotalTerms = _tokens,
                TermCount = terms,
                PostingCount = postings,
                Source = Path.GetFullPath(corpusPath),
                Files = files,
            };
        }
    }
}
