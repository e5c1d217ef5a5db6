using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Lodestar.Errors;
using Lodestar.Index;

namespace Lodestar.Dense;

/// <summary>
/// Writes a flat vector index: <c>vectors.f32</c> (row-major float32), optionally <c>vectors.i8</c> with one float32
/// scale per row in <c>scales.f32</c> (symmetric: <c>q = round(127·x / max|x|)</c>, <c>x ≈ q·scale</c>), and
/// <c>ids.txt</c>, one id per line. Built in <c>OUTPUT.tmp-PID</c> and renamed when complete; streaming, so memory
/// does not grow with the corpus.
/// </summary>
public sealed class VectorIndexWriter : IDisposable
{
    private readonly string _output, _temp;
    private readonly int _dimension;
    private readonly bool _int8;
    private readonly FileStream _f32, _ids;
    private readonly FileStream? _i8, _scales;
    private readonly IncrementalHash _hashF32 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256), _hashIds = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _hashI8 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256), _hashScales = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly sbyte[] _quantized;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private bool _done;

    /// <summary>Starts an index at <paramref name="output"/>.</summary>
    /// <exception cref="InputException">The output exists and <paramref name="overwrite"/> is false.</exception>
    public VectorIndexWriter(string output, int dimension, bool int8, bool overwrite = false)
    {
        _output = Path.GetFullPath(output);
        if (Directory.Exists(_output) && !overwrite)
        {
            ThrowHelper.Input(_output, 0, 0, "expected a new index directory, found an existing one (use --overwrite to replace it)");
        }

        Index.StaleBuilds.Clean(_output);
        _temp = $"{_output}.tmp-{Environment.ProcessId}";
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }

        Directory.CreateDirectory(_temp);
        _dimension = dimension;
        _int8 = int8;
        _quantized = new sbyte[dimension];
        _f32 = Create("vectors.f32");
        _ids = Create("ids.txt");
        if (int8)
        {
            _i8 = Create("vectors.i8");
            _scales = Create("scales.f32");
        }
    }

    private FileStream Create(string name) => new(Path.Combine(_temp, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);

    /// <summary>Vectors written so far.</summary>
    public int Count { get; private set; }

    /// <summary>Whether every vector so far has unit length (within 1e-3).</summary>
    public bool Normalized { get; private set; } = true;

    /// <summary>Appends one vector.</summary>
    /// <exception cref="ArgumentException">Wrong length, an id with a line break, or a repeated id.</exception>
    public void Add(string id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != _dimension)
        {
            throw new ArgumentException($"vector of '{id}' has {vector.Length} dimensions, the index {_dimension}");
        }

        if (id.Length == 0 || id.AsSpan().IndexOfAny('\n', '\r') >= 0 || !_seen.Add(id))
        {
            throw new ArgumentException($"id '{id}' is empty, holds a line break, or was seen before");
        }

        if (Math.Abs(System.Numerics.Tensors.TensorPrimitives.Norm(vector) - 1) > 1e-3)
        {
            Normalized = false;
        }

        Write(_f32, _hashF32, MemoryMarshal.AsBytes(vector));
        Write(_ids, _hashIds, Encoding.UTF8.GetBytes(id + "\n"));
        if (_int8)
        {
            float scale = Quantize(vector, _quantized);
            Write(_i8!, _hashI8, MemoryMarshal.AsBytes(_quantized.AsSpan()));
            Write(_scales!, _hashScales, MemoryMarshal.AsBytes(new ReadOnlySpan<float>(in scale)));
        }

        Count++;
    }

    /// <summary>Symmetric int8 quantization of one vector; returns the scale.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> output)
    {
        float max = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(vector);
        float abs = Math.Abs(max);
        if (abs == 0)
        {
            output.Clear();
            return 0;
        }

        float inverse = 127f / abs;
        for (int i = 0; i < vector.Length; i++)
        {
            output[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127, 127);
        }

        return abs / 127f;
    }

    private static void Write(FileStream stream, IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        hash.AppendData(bytes);
    }

    /// <summary>Writes the header and publishes the index.</summary>
    public VectorIndexHeader Complete(string model, string profile, string queryTemplate)
    {
        var files = new Dictionary<string, FileChecksum>(StringComparer.Ordinal)
        {
            ["vectors.f32"] = new(_f32.Length, Convert.ToHexStringLower(_hashF32.GetHashAndReset())),
            ["ids.txt"] = new(_ids.Length, Convert.ToHexStringLower(_hashIds.GetHashAndReset())),
        };
        if (_int8)
        {
            files["vectors.i8"] = new(_i8!.Length, Convert.ToHexStringLower(_hashI8.GetHashAndReset()));
            files["scales.f32"] = new(_scales!.Length, Convert.ToHexStringLower(_hashScales.GetHashAndReset()));
        }

        CloseFiles();
        var header = new VectorIndexHeader
        {
            Model = model, Profile = profile, QueryTemplate = queryTemplate, Dimension = _dimension, Count = Count,
            Normalized = Normalized && Count > 0, Int8 = _int8, Files = files,
        };
        header.Write(_temp);
        if (Directory.Exists(_output))
        {
            string old = $"{_output}.old-{Environment.ProcessId}";
            Directory.Move(_output, old);
            Directory.Move(_temp, _output);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.Move(_temp, _output);
        }

        _done = true;
        return header;
    }

    private void CloseFiles()
    {
        foreach (FileStream? s in new[] { _f32, _ids, _i8, _scales })
        {
            if (s is not null)
            {
                s.Flush(flushToDisk: true);
                s.Dispose();
            }
        }
    }

    /// <summary>Without <see cref="Complete"/>, removes the temporary directory: no half index is left.</summary>
    public void Dispose()
    {
        if (!_done)
        {
            CloseFiles();
            Directory.Delete(_temp, recursive: true);
        }

        foreach (IncrementalHash h in new[] { _hashF32, _hashIds, _hashI8, _hashScales })
        {
            h.Dispose();
        }
    }
}
