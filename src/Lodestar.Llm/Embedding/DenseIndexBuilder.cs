using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lodestar.Dense;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Llm.Embedding;

/// <summary>What a dense build did.</summary>
/// <param name="Documents">Vectors in the index.</param>
/// <param name="Resumed">Documents whose vectors came from the checkpoint of an earlier, stopped run.</param>
/// <param name="Dimension">Vector length.</param>
/// <param name="Seconds">Wall time of this run.</param>
public sealed record DenseBuildSummary(int Documents, int Resumed, int Dimension, double Seconds);

/// <summary>
/// Embeds a corpus into a <see cref="VectorIndex"/>: documents are read as a stream, embedded in chunks, and every
/// finished chunk is written to <c>OUTPUT.embed-checkpoint/</c> (temporary file, then rename) before the next one
/// starts, so a stopped or crashed run resumes after the last finished chunk. The checkpoint records the model,
/// profile, chunk size and corpus; a rerun with other settings refuses to resume rather than mix vectors.
/// </summary>
public static partial class DenseIndexBuilder
{
    internal sealed record Manifest(string Model, string Profile, string DocumentTemplate, int ChunkSize, string Corpus, long CorpusBytes);

    /// <summary>The checkpoint manifest's JSON, generated at compile time (AOT-safe; the reflection serializer's defaults).</summary>
    [JsonSerializable(typeof(Manifest))]
    internal sealed partial class ManifestJson : JsonSerializerContext;

    /// <summary>Builds (or resumes building) the vector index of <paramref name="corpusPath"/> at <paramref name="output"/>.</summary>
    public static async Task<DenseBuildSummary> BuildAsync(string corpusPath, string output, IEmbedder embedder, EmbeddingProfile profile,
        bool int8 = true, int chunkSize = 1024, bool overwrite = false, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        output = Path.GetFullPath(output);
        if (Directory.Exists(output) && !overwrite)
        {
            throw new Errors.InputException(new Errors.SourcePosition(output, 0, 0), "expected a new index directory, found an existing one (use --overwrite to replace it)");
        }

        string checkpoint = output + ".embed-checkpoint";
        var manifest = new Manifest(embedder.Model, profile.Name, profile.DocumentTemplate, chunkSize, Path.GetFullPath(corpusPath), new FileInfo(corpusPath).Length);
        string manifestPath = Path.Combine(checkpoint, "manifest.json");
        if (Directory.Exists(checkpoint))
        {
            Manifest? old = File.Exists(manifestPath) ? JsonSerializer.Deserialize(File.ReadAllText(manifestPath), ManifestJson.Default.Manifest) : null;
            if (old != manifest)
            {
                throw new Errors.InputException(new Errors.SourcePosition(checkpoint, 0, 0), "expected the checkpoint of this build, found one of another build (model, profile, chunk size or corpus differ); remove it to start over");
            }
        }
        else
        {
            Directory.CreateDirectory(checkpoint);
            AtomicFile.Write(manifestPath, s => JsonSerializer.Serialize(s, manifest, ManifestJson.Default.Manifest));
        }

        int done = Directory.EnumerateFiles(checkpoint, "chunk-*.bin").Count();
        int expected = progress is null ? 0 : (int)LineReader.CountRecords(corpusPath); // counted, not parsed
        int resumed = 0, total = 0;
        var chunk = new List<Document>(chunkSize);
        int chunkIndex = 0;
        foreach ((Document doc, _) in CorpusReader.Read(corpusPath))
        {
            total++;
            chunk.Add(doc);
            if (chunk.Count == chunkSize)
            {
                resumed += await Flush(chunkIndex++).ConfigureAwait(false);
            }
        }

        if (chunk.Count > 0)
        {
            resumed += await Flush(chunkIndex++).ConfigureAwait(false);
        }

        // All chunks exist: write the index from them, in order.
        int dimension = 0;
        using (VectorIndexWriter? writer = total == 0 ? null : new VectorIndexWriter(output, ReadChunk(ChunkPath(checkpoint, 0)).First().Vector.Length, int8, overwrite))
        {
            if (writer is not null)
            {
                for (int c = 0; c < chunkIndex; c++)
                {
                    foreach ((string id, float[] vector) in ReadChunk(ChunkPath(checkpoint, c)))
                    {
                        writer.Add(id, vector);
                        dimension = vector.Length;
                    }
                }

                writer.Complete(embedder.Model, profile.Name, profile.QueryTemplate);
            }
        }

        Directory.Delete(checkpoint, recursive: true);
        return new DenseBuildSummary(total, resumed, dimension, clock.Elapsed.TotalSeconds);

        async Task<int> Flush(int index)
        {
            int count = chunk.Count;
            if (index >= done || !File.Exists(ChunkPath(checkpoint, index)))
            {
                float[][] vectors = await embedder.EmbedAsync([.. chunk.Select(d => profile.Document(d.Text))], cancellationToken).ConfigureAwait(false);
                AtomicFile.Write(ChunkPath(checkpoint, index), s => WriteChunk(s, chunk, vectors));
                count = 0;
            }

            progress?.Report((total, expected));
            chunk.Clear();
            return count;
        }
    }

    private static string ChunkPath(string checkpoint, int index) => Path.Combine(checkpoint, $"chunk-{index:D6}.bin");

    private static void WriteChunk(Stream stream, List<Document> docs, float[][] vectors)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(docs.Count);
        for (int i = 0; i < docs.Count; i++)
        {
            w.Write(docs[i].Id);
            w.Write(vectors[i].Length);
            w.Write(MemoryMarshal.AsBytes(vectors[i].AsSpan()));
        }
    }

    private static IEnumerable<(string Id, float[] Vector)> ReadChunk(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        int count = r.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            string id = r.ReadString();
            var vector = new float[r.ReadInt32()];
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(vector.AsSpan()));
            yield return (id, vector);
        }
    }
}
