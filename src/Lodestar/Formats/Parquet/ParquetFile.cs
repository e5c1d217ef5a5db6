using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Lodestar.Errors;

namespace Lodestar.Formats.Parquet;

/// <summary>Parquet physical types.</summary>
public enum ParquetType
{
    /// <summary>One bit.</summary>
    Boolean = 0,

    /// <summary>32-bit integer.</summary>
    Int32 = 1,

    /// <summary>64-bit integer.</summary>
    Int64 = 2,

    /// <summary>96-bit legacy timestamps (not read).</summary>
    Int96 = 3,

    /// <summary>32-bit float.</summary>
    Float = 4,

    /// <summary>64-bit float.</summary>
    Double = 5,

    /// <summary>Bytes, strings when annotated UTF8/STRING.</summary>
    ByteArray = 6,

    /// <summary>Bytes of a fixed length.</summary>
    FixedLenByteArray = 7,
}

/// <summary>A top-level column: a value, or a list of values (<c>list&lt;string&gt;</c> and the like).</summary>
/// <param name="Name">The field's name.</param>
/// <param name="Type">The physical type of its values.</param>
/// <param name="IsString">Byte arrays annotated as strings.</param>
/// <param name="IsList">A list column.</param>
/// <param name="Supported">Whether this reader can read it (one level of lists of primitives at most).</param>
public sealed record ParquetColumn(string Name, ParquetType Type, bool IsString, bool IsList, bool Supported);

/// <summary>
/// Reads Parquet files: the Thrift compact footer, row groups, dictionary pages and data pages v1 and v2; PLAIN,
/// dictionary (PLAIN_DICTIONARY, RLE_DICTIONARY) and delta (DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
/// DELTA_BYTE_ARRAY) values; RLE/bit-packed levels; required, optional and list columns
/// (3-level and legacy 2-level lists); uncompressed, snappy and gzip chunks. Everything BRIGHT's and BEIR's files use.
/// </summary>
/// <remarks>
/// Rows come row group by row group; only the requested columns are decoded, one row group's worth at a time, so
/// memory is bounded by the largest row group. Errors are <see cref="InputException"/>s that name the file and, for
/// page problems, the column, row group and byte offset.
/// </remarks>
public sealed class ParquetFile : IDisposable
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private readonly FileStream _file;
    private readonly List<Leaf> _leaves = [];
    private readonly List<RowGroup> _groups = [];

    private sealed record Leaf(ParquetColumn Column, string[] Path, int TypeLength, int MaxDef, int MaxRep, int ListDef);

    private sealed record Chunk(string[] Path, int Codec, long Values, long DataOffset, long DictionaryOffset, long CompressedSize);

    private sealed record RowGroup(long Rows, List<Chunk> Chunks);

    private sealed record Node(string Name, int Repetition, ParquetType? Type, int TypeLength, int Converted, ThriftStruct? Logical, List<Node> Children);

    private ParquetFile(string path)
    {
        FilePath = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        try
        {
            ReadFooter();
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    /// <summary>Opens and reads the footer of a Parquet file.</summary>
    /// <exception cref="InputException">Not Parquet (magic number), truncated, or a corrupt footer.</exception>
    public static ParquetFile Open(string path) => new(path);

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>Rows in all row groups.</summary>
    public long RowCount { get; private set; }

    /// <summary>Row groups.</summary>
    public int RowGroupCount => _groups.Count;

    /// <summary>The writer, as the footer names it.</summary>
    public string CreatedBy { get; private set; } = "";

    /// <summary>The top-level columns.</summary>
    public IReadOnlyList<ParquetColumn> Columns => [.. _leaves.Select(l => l.Column)];

    private InputException Error(string problem) => new(new SourcePosition(FilePath, 0, 0), problem);

    private void ReadFooter()
    {
        long length = _file.Length;
        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[8];
        if (length < 12)
        {
            throw Error($"expected a Parquet file (at least 12 bytes), found {length} bytes");
        }

        _file.Position = 0;
        _file.ReadExactly(head);
        _file.Position = length - 8;
        _file.ReadExactly(tail);
        if (!head.SequenceEqual(Magic))
        {
            throw Error($"expected the Parquet magic number PAR1 at byte 0, found {Show(head)}");
        }

        if (!tail[4..].SequenceEqual(Magic))
        {
            throw Error($"expected PAR1 at the end of the file, found {Show(tail[4..])}: the file is truncated");
        }

        int footer = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footer <= 0 || footer > length - 12)
        {
            throw Error($"expected a footer length of at most {length - 12} bytes, found {footer}: the file is truncated or corrupt");
        }

        var bytes = new byte[footer];
        _file.Position = length - 8 - footer;
        _file.ReadExactly(bytes);
        ThriftStruct meta;
        try
        {
            meta = new ThriftCompact(bytes).ReadStruct();
        }
        catch (FormatException e)
        {
            throw Error($"corrupt footer: {e.Message}");
        }

        RowCount = meta.Long(3);
        CreatedBy = meta.String(6) ?? "";
        List<ThriftStruct> schema = [.. meta.Structs(2)];
        if (schema.Count == 0)
        {
            throw Error("corrupt footer: no schema");
        }

        int next = 0;
        Node root = ReadNode(schema, ref next);
        foreach (Node field in root.Children)
        {
            _leaves.Add(Describe(field));
        }

        foreach (ThriftStruct group in meta.Structs(4))
        {
            var chunks = new List<Chunk>();
            foreach (ThriftStruct column in group.Structs(1))
            {
                ThriftStruct m = column.Struct(3) ?? throw Error("corrupt footer: a column chunk without metadata");
                chunks.Add(new Chunk([.. m.Strings(3)], m.Int(4), m.Long(5), m.Long(9), m.Has(11) ? m.Long(11) : -1, m.Long(7)));
            }

            _groups.Add(new RowGroup(group.Long(3), chunks));
        }
    }

    private Node ReadNode(List<ThriftStruct> schema, ref int next)
    {
        if (next >= schema.Count)
        {
            throw Error("corrupt footer: the schema ends early");
        }

        ThriftStruct e = schema[next++];
        int children = e.Int(5);
        var node = new Node(e.String(4) ?? "", e.Int(3), e.Has(1) ? (ParquetType)e.Int(1) : null, e.Int(2), e.Has(6) ? e.Int(6) : -1, e.Struct(10), []);
        for (int i = 0; i < children; i++)
        {
            node.Children.Add(ReadNode(schema, ref next));
        }

        return node;
    }

    private static bool IsStringNode(Node n) => n.Converted == 0 || (n.Logical?.Has(1) ?? false);

    /// <summary>Maps a top-level field to its leaf: a primitive, or a list of primitives (3-level or 2-level).</summary>
    private static Leaf Describe(Node field)
    {
        const int Required = 0, Repeated = 2;
        int Def(Node n) => n.Repetition == Required ? 0 : 1;
        if (field.Type is ParquetType t)
        {
            return field.Repetition == Repeated
                ? new Leaf(new ParquetColumn(field.Name, t, IsStringNode(field), true, true), [field.Name], field.TypeLength, 1, 1, 0)
                : new Leaf(new ParquetColumn(field.Name, t, IsStringNode(field), false, true), [field.Name], field.TypeLength, Def(field), 0, 0);
        }

        // group: a list when its one child is repeated
        if (field.Children.Count == 1 && field.Children[0].Repetition == Repeated)
        {
            Node repeated = field.Children[0];
            int listDef = Def(field);
            if (repeated.Type is ParquetType legacy)
            {
                return new Leaf(new ParquetColumn(field.Name, legacy, IsStringNode(repeated), true, true), [field.Name, repeated.Name], repeated.TypeLength,
                    listDef + 1, 1, listDef);
            }

            if (repeated.Children.Count == 1 && repeated.Children[0].Type is ParquetType element)
            {
                Node item = repeated.Children[0];
                return new Leaf(new ParquetColumn(field.Name, element, IsStringNode(item), true, true), [field.Name, repeated.Name, item.Name], item.TypeLength,
                    listDef + 1 + Def(item), 1, listDef);
            }
        }

        return new Leaf(new ParquetColumn(field.Name, ParquetType.ByteArray, false, false, false), [field.Name], 0, 0, 0, 0);
    }

    /// <summary>The rows, with the named columns in that order: strings, numbers, booleans, byte arrays, lists of
    /// them (<see cref="List{T}"/> of <c>object?</c>), or null.</summary>
    /// <exception cref="InputException">An unknown column, or a page that cannot be read.</exception>
    public IEnumerable<object?[]> ReadRows(params string[] columns)
    {
        var leaves = columns.Select(c => _leaves.FirstOrDefault(l => l.Column.Name == c)
            ?? throw Error($"expected a column '{c}', found only: {string.Join(", ", _leaves.Select(l => l.Column.Name))}")).ToList();
        foreach (Leaf leaf in leaves.Where(l => !l.Column.Supported))
        {
            throw Error($"column '{leaf.Column.Name}': nested groups other than one level of lists are not supported");
        }

        for (int g = 0; g < _groups.Count; g++)
        {
            RowGroup group = _groups[g];
            var values = new List<object?[]>(leaves.Count);
            foreach (Leaf leaf in leaves)
            {
                Chunk chunk = group.Chunks.FirstOrDefault(c => c.Path.SequenceEqual(leaf.Path))
                    ?? throw Error($"column '{leaf.Column.Name}': row group {g} has no chunk for it");
                object?[] column = ReadChunk(leaf, chunk, g);
                if (column.Length != group.Rows)
                {
                    throw Error($"column '{leaf.Column.Name}', row group {g}: expected {group.Rows} rows, found {column.Length}");
                }

                values.Add(column);
            }

            for (int r = 0; r < group.Rows; r++)
            {
                var row = new object?[leaves.Count];
                for (int c = 0; c < leaves.Count; c++)
                {
                    row[c] = values[c][r];
                }

                yield return row;
            }
        }
    }

    private object?[] ReadChunk(Leaf leaf, Chunk chunk, int group)
    {
        long start = chunk.DictionaryOffset > 0 && chunk.DictionaryOffset < chunk.DataOffset ? chunk.DictionaryOffset : chunk.DataOffset;
        if (start < 4 || chunk.CompressedSize < 0 || start + chunk.CompressedSize > _file.Length - 8)
        {
            throw Error($"column '{leaf.Column.Name}', row group {group}: the chunk at byte {start} ({chunk.CompressedSize} bytes) lies outside the file: truncated or corrupt");
        }

        var bytes = new byte[chunk.CompressedSize];
        lock (_file)
        {
            _file.Position = start;
            _file.ReadExactly(bytes);
        }

        var rep = new List<int>();
        var def = new List<int>();
        var values = new List<object?>();
        object?[]? dictionary = null;
        int pos = 0;
        long seen = 0;
        while (seen < chunk.Values)
        {
            long at = start + pos;
            try
            {
                var reader = new ThriftCompact(bytes.AsSpan(pos));
                ThriftStruct header = reader.ReadStruct();
                pos += reader.Position;
                int type = header.Int(1), uncompressedSize = header.Int(2), compressedSize = header.Int(3);
                if (compressedSize < 0 || pos + compressedSize > bytes.Length)
                {
                    throw new FormatException($"expected a page of {compressedSize} bytes, found {bytes.Length - pos} left in the chunk");
                }

                ReadOnlySpan<byte> page = bytes.AsSpan(pos, compressedSize);
                pos += compressedSize;
                switch (type)
                {
                    case 2: // dictionary
                        ThriftStruct d = header.Struct(7) ?? throw new FormatException("dictionary page without its header");
                        byte[] plain = Decompress(page, chunk.Codec, uncompressedSize);
                        var entries = new List<object?>();
                        Plain(leaf, plain, d.Int(1), entries);
                        dictionary = [.. entries];
                        break;
                    case 0: // data page v1
                        ThriftStruct v1 = header.Struct(5) ?? throw new FormatException("data page without its header");
                        byte[] data = Decompress(page, chunk.Codec, uncompressedSize);
                        int n = v1.Int(1), offset = 0;
                        if (leaf.MaxRep > 0)
                        {
                            offset += PrefixedLevels(data.AsSpan(offset), leaf.MaxRep, n, rep);
                        }

                        int defsBefore = def.Count;
                        if (leaf.MaxDef > 0)
                        {
                            offset += PrefixedLevels(data.AsSpan(offset), leaf.MaxDef, n, def);
                        }

                        int present = leaf.MaxDef == 0 ? n : def.Skip(defsBefore).Count(x => x == leaf.MaxDef);
                        Values(leaf, v1.Int(2), data.AsSpan(offset), present, dictionary, values);
                        seen += n;
                        break;
                    case 3: // data page v2
                        ThriftStruct v2 = header.Struct(8) ?? throw new FormatException("data page v2 without its header");
                        int count = v2.Int(1), defLength = v2.Int(5), repLength = v2.Int(6);
                        if (repLength < 0 || defLength < 0 || repLength + defLength > page.Length)
                        {
                            throw new FormatException($"level lengths {repLength} + {defLength} exceed the page's {page.Length} bytes");
                        }

                        if (leaf.MaxRep > 0)
                        {
                            LevelDecoder.Decode(page[..repLength], LevelDecoder.Width(leaf.MaxRep), count, rep);
                        }

                        int before = def.Count;
                        if (leaf.MaxDef > 0)
                        {
                            LevelDecoder.Decode(page.Slice(repLength, defLength), LevelDecoder.Width(leaf.MaxDef), count, def);
                        }

                        ReadOnlySpan<byte> body = page[(repLength + defLength)..];
                        byte[] decoded = v2.Bool(7, true) ? Decompress(body, chunk.Codec, uncompressedSize - repLength - defLength) : body.ToArray();
                        int nonNull = leaf.MaxDef == 0 ? count : def.Skip(before).Count(x => x == leaf.MaxDef);
                        Values(leaf, v2.Int(4), decoded, nonNull, dictionary, values);
                        seen += count;
                        break;
                    default:
                        break; // index pages and others carry no values
                }
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidDataException or OverflowException)
            {
                throw Error($"column '{leaf.Column.Name}', row group {group}, page at byte {at}: {e.Message}");
            }
        }

        return Assemble(leaf, rep, def, values);
    }

    private static object?[] Assemble(Leaf leaf, List<int> rep, List<int> def, List<object?> values)
    {
        int v = 0;
        if (!leaf.Column.IsList)
        {
            if (leaf.MaxDef == 0)
            {
                return [.. values];
            }

            var column = new object?[def.Count];
            for (int i = 0; i < def.Count; i++)
            {
                column[i] = def[i] == leaf.MaxDef ? values[v++] : null;
            }

            return column;
        }

        var rows = new List<object?>();
        List<object?>? current = null;
        for (int i = 0; i < rep.Count; i++)
        {
            int d = leaf.MaxDef == 0 ? 0 : def[i];
            if (rep[i] == 0)
            {
                current = d < leaf.ListDef ? null : [];
                rows.Add(current);
            }

            if (d > leaf.ListDef && current is not null)
            {
                current.Add(d == leaf.MaxDef ? values[v++] : null);
            }
        }

        return [.. rows];
    }

    private static int PrefixedLevels(ReadOnlySpan<byte> data, int max, int count, List<int> output)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (length < 0 || 4 + length > data.Length)
        {
            throw new FormatException($"level block of {length} bytes exceeds the page");
        }

        LevelDecoder.Decode(data.Slice(4, length), LevelDecoder.Width(max), count, output);
        return 4 + length;
    }

    private static void Values(Leaf leaf, int encoding, ReadOnlySpan<byte> data, int count, object?[]? dictionary, List<object?> output)
    {
        switch (encoding)
        {
            case 0: // PLAIN
                Plain(leaf, data, count, output);
                break;
            case 2 or 8: // PLAIN_DICTIONARY, RLE_DICTIONARY
                if (dictionary is null)
                {
                    throw new FormatException("dictionary-encoded values before any dictionary page");
                }

                if (count == 0)
                {
                    return;
                }

                var indices = new List<int>(count);
                LevelDecoder.Decode(data[1..], data[0], count, indices);
                foreach (int i in indices)
                {
                    output.Add((uint)i < (uint)dictionary.Length ? dictionary[i] : throw new FormatException($"dictionary index {i} beyond its {dictionary.Length} entries"));
                }

                break;
            case 5 when leaf.Column.Type is ParquetType.Int32 or ParquetType.Int64: // DELTA_BINARY_PACKED
                int at = 0;
                long[] numbers = DeltaDecoder.BinaryPacked(data, ref at);
                output.AddRange(numbers.Select(x => leaf.Column.Type == ParquetType.Int32 ? (object?)checked((int)x) : x));
                break;
            case 6 or 7 when leaf.Column.Type == ParquetType.ByteArray: // DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY
                int start = 0;
                byte[][] arrays = encoding == 6 ? DeltaDecoder.LengthByteArray(data, ref start) : DeltaDecoder.ByteArray(data);
                output.AddRange(arrays.Select(b => leaf.Column.IsString ? (object?)Encoding.UTF8.GetString(b) : b));
                break;
            case 3 when leaf.Column.Type == ParquetType.Boolean: // RLE booleans: length-prefixed
                var bits = new List<int>(count);
                PrefixedLevels(data, 1, count, bits);
                output.AddRange(bits.Select(b => (object?)(b != 0)));
                break;
            default:
                throw new FormatException($"expected PLAIN, dictionary or delta values, found encoding {EncodingName(encoding)} for {leaf.Column.Type}, which this reader does not support");
        }
    }

    private static string EncodingName(int e) => e switch
    {
        3 => "RLE", 4 => "BIT_PACKED", 5 => "DELTA_BINARY_PACKED", 6 => "DELTA_LENGTH_BYTE_ARRAY", 7 => "DELTA_BYTE_ARRAY", 9 => "BYTE_STREAM_SPLIT", _ => e.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static void Plain(Leaf leaf, ReadOnlySpan<byte> data, int count, List<object?> output)
    {
        int pos = 0;
        ParquetType type = leaf.Column.Type;
        for (int i = 0; i < count; i++)
        {
            switch (type)
            {
                case ParquetType.ByteArray:
                    int length = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
                    if (length < 0 || pos + 4 + length > data.Length)
                    {
                        throw new FormatException($"value {i} of {length} bytes runs past the page");
                    }

                    ReadOnlySpan<byte> bytes = data.Slice(pos + 4, length);
                    output.Add(leaf.Column.IsString ? Encoding.UTF8.GetString(bytes) : bytes.ToArray());
                    pos += 4 + length;
                    break;
                case ParquetType.Int32:
                    output.Add(BinaryPrimitives.ReadInt32LittleEndian(data[pos..]));
                    pos += 4;
                    break;
                case ParquetType.Int64:
                    output.Add(BinaryPrimitives.ReadInt64LittleEndian(data[pos..]));
                    pos += 8;
                    break;
                case ParquetType.Float:
                    output.Add(BinaryPrimitives.ReadSingleLittleEndian(data[pos..]));
                    pos += 4;
                    break;
                case ParquetType.Double:
                    output.Add(BinaryPrimitives.ReadDoubleLittleEndian(data[pos..]));
                    pos += 8;
                    break;
                case ParquetType.Boolean:
                    output.Add((data[i >> 3] >> (i & 7) & 1) != 0);
                    break;
                case ParquetType.FixedLenByteArray:
                    output.Add(data.Slice(pos, leaf.TypeLength).ToArray());
                    pos += leaf.TypeLength;
                    break;
                default:
                    throw new FormatException($"physical type {type} is not supported");
            }
        }
    }

    private static byte[] Decompress(ReadOnlySpan<byte> data, int codec, int uncompressedSize)
    {
        switch (codec)
        {
            case 0:
                return data.ToArray();
            case 1:
                byte[] snappy = Snappy.Decompress(data);
                return snappy.Length == uncompressedSize ? snappy : throw new FormatException($"expected {uncompressedSize} bytes after snappy, found {snappy.Length}");
            case 2:
                using (var input = new GZipStream(new MemoryStream(data.ToArray()), CompressionMode.Decompress))
                {
                    var output = new byte[uncompressedSize];
                    input.ReadExactly(output);
                    return output;
                }

            default:
                string name = codec switch { 3 => "LZO", 4 => "BROTLI", 5 => "LZ4", 6 => "ZSTD", 7 => "LZ4_RAW", _ => $"codec {codec}" };
                throw new FormatException($"expected uncompressed, snappy or gzip pages, found {name}, which Lodestar cannot read (no {name} decoder in .NET's base library); rewrite the file with snappy");
        }
    }

    private static string Show(ReadOnlySpan<byte> bytes) => string.Concat(bytes.ToArray().Select(b => b is >= 32 and < 127 ? ((char)b).ToString() : $"\\x{b:x2}"));

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
