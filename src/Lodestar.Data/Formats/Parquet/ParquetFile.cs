using System.Buffers.Binary;
using Lodestar.Errors;
using Parquet;
using Parquet.Schema;

namespace Lodestar.Formats.Parquet;

/// <summary>
/// Reads Parquet files through Parquet.Net: its encodings and page versions, and uncompressed, snappy, gzip, zstd,
/// brotli and LZ4 chunks. Top-level columns are values or one level of lists of values, which is everything BRIGHT's
/// and BEIR's files use.
/// </summary>
/// <remarks>
/// Rows come row group by row group; only the requested columns are decoded, one row group's worth at a time, so
/// memory is bounded by the largest row group. Errors are <see cref="InputException"/>s that name the file and, for
/// problems inside the data, the column, the row group and the byte where that column's chunk starts.
/// </remarks>
public sealed class ParquetFile : IDisposable
{
    private static readonly byte[] s_magic = "PAR1"u8.ToArray();
    private readonly FileStream _file;
    private readonly ParquetReader _reader;
    private readonly List<(ParquetColumn Column, DataField? Leaf, int EmptyListDef)> _columns = [];

    private ParquetFile(string path)
    {
        FilePath = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        try
        {
            CheckEnds();
            try
            {
                _reader = ParquetReader.CreateAsync(_file, leaveStreamOpen: true).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                throw Error($"corrupt footer: {e.Message}");
            }

            foreach (Field field in _reader.Schema.Fields)
            {
                _columns.Add(Describe(field));
            }
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
    public long RowCount => _reader.Metadata?.NumRows ?? 0;

    /// <summary>Row groups.</summary>
    public int RowGroupCount => _reader.RowGroupCount;

    /// <summary>The writer, as the footer names it.</summary>
    public string CreatedBy => _reader.Metadata?.CreatedBy ?? "";

    /// <summary>The top-level columns.</summary>
    public IReadOnlyList<ParquetColumn> Columns => [.. _columns.Select(c => c.Column)];

    private InputException Error(string problem) => new(new SourcePosition(FilePath, 0, 0), problem);

    /// <summary>The magic numbers and the footer length, checked before the library sees the file, so that a file that
    /// is not Parquet, or was cut short by an interrupted download, says so in those words.</summary>
    private void CheckEnds()
    {
        long length = _file.Length;
        if (length < 12)
        {
            throw Error($"expected a Parquet file (at least 12 bytes), found {length} bytes");
        }

        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[8];
        _file.Position = 0;
        _file.ReadExactly(head);
        _file.Position = length - 8;
        _file.ReadExactly(tail);
        _file.Position = 0;
        if (!head.SequenceEqual(s_magic))
        {
            throw Error($"expected the Parquet magic number PAR1 at byte 0, found {Show(head)}");
        }

        if (!tail[4..].SequenceEqual(s_magic))
        {
            throw Error($"expected PAR1 at the end of the file, found {Show(tail[4..])}: the file is truncated");
        }

        int footer = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footer <= 0 || footer > length - 12)
        {
            throw Error($"expected a footer length of at most {length - 12} bytes, found {footer}: the file is truncated or corrupt");
        }
    }

    private static string Show(ReadOnlySpan<byte> bytes) =>
        string.Concat(bytes.ToArray().Select(b => b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:X2}"));

    /// <summary>A top-level field: a value, a list of values (a 3-level LIST or a legacy repeated field), or something
    /// this reader does not flatten (structs, maps, nested lists).</summary>
    private static (ParquetColumn, DataField?, int) Describe(Field field) => field switch
    {
        DataField { MaxRepetitionLevel: 0 } value => (Column(field.Name, value, isList: false), value, 0),

        // A legacy repeated field: definition level 0 is an empty list.
        DataField { MaxRepetitionLevel: 1 } repeated => (Column(field.Name, repeated, isList: true), repeated, repeated.MaxDefinitionLevel - 1),

        // The list's level is that of its repeated group; one below it, the list is present but empty.
        ListField { Item: DataField { MaxRepetitionLevel: 1 } item } list => (Column(field.Name, item, isList: true), item, list.MaxDefinitionLevel - 1),
        _ => (new ParquetColumn(field.Name, ParquetType.ByteArray, false, field.SchemaType == SchemaType.List, false), null, 0),
    };

    private static ParquetColumn Column(string name, DataField leaf, bool isList) => new(name,
        leaf.SchemaElement?.Type is { } t ? (ParquetType)(int)t : ParquetType.ByteArray, leaf.ClrType == typeof(ReadOnlyMemory<char>), isList, true);

    /// <summary>The rows, with the named columns in that order: strings, numbers, booleans, byte arrays, lists of
    /// them (<see cref="List{T}"/> of <c>object?</c>), or null.</summary>
    /// <exception cref="InputException">An unknown or unsupported column, or data that cannot be read.</exception>
    public IEnumerable<object?[]> ReadRows(params string[] columns)
    {
        var chosen = columns.Select(c => _columns.FirstOrDefault(l => l.Column.Name == c) is { Column: not null } found ? found
            : throw Error($"expected a column '{c}', found only: {string.Join(", ", _columns.Select(l => l.Column.Name))}")).ToList();
        foreach (var unsupported in chosen.Where(c => c.Leaf is null))
        {
            throw Error($"column '{unsupported.Column.Name}': nested groups other than one level of lists are not supported");
        }

        for (int g = 0; g < _reader.RowGroupCount; g++)
        {
            object?[][] values = ReadGroup(g, chosen, out long rows);
            for (long r = 0; r < rows; r++)
            {
                var row = new object?[chosen.Count];
                for (int c = 0; c < chosen.Count; c++)
                {
                    row[c] = values[c][r];
                }

                yield return row;
            }
        }
    }

    private object?[][] ReadGroup(int g, List<(ParquetColumn Column, DataField? Leaf, int EmptyListDef)> chosen, out long rows)
    {
        using ParquetRowGroupReader group = _reader.OpenRowGroupReader(g);
        rows = group.RowCount;
        var values = new object?[chosen.Count][];
        for (int c = 0; c < chosen.Count; c++)
        {
            (ParquetColumn column, DataField? leaf, int emptyListDef) = chosen[c];
            try
            {
                values[c] = ParquetColumnReader.Read(group, leaf!, column.IsList, emptyListDef);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                throw Error($"column '{column.Name}', row group {g}, chunk at byte {ChunkStart(group, leaf!)}: {e.Message}");
            }

            if (values[c].Length != rows)
            {
                throw Error($"column '{column.Name}', row group {g}: expected {rows} rows, found {values[c].Length}");
            }
        }

        return values;
    }

    private static long ChunkStart(ParquetRowGroupReader group, DataField leaf) =>
        group.GetMetadata(leaf)?.MetaData is not { } m ? -1
        : m.DictionaryPageOffset is { } d and > 0 && d < m.DataPageOffset ? d : m.DataPageOffset;

    /// <inheritdoc/>
    public void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _file.Dispose();
    }
}
