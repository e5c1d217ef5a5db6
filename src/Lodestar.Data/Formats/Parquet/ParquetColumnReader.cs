using Parquet;
using Parquet.Schema;

namespace Lodestar.Formats.Parquet;

/// <summary>One column chunk of a row group → one value per row: Parquet.Net's raw values and definition and repetition
/// levels (Dremel encoding) folded back into nulls and lists.</summary>
internal static class ParquetColumnReader
{
    /// <summary>Reads <paramref name="leaf"/> in <paramref name="group"/>.</summary>
    /// <param name="group">The row group.</param>
    /// <param name="leaf">The column's leaf field.</param>
    /// <param name="isList">A list column (repetition level 1).</param>
    /// <param name="emptyListDef">For a list, the definition level of a present but empty list; below it, the list is null.</param>
    public static object?[] Read(ParquetRowGroupReader group, DataField leaf, bool isList, int emptyListDef)
    {
        Type type = leaf.ClrType;
        if (type == typeof(ReadOnlyMemory<char>) && !isList)
        {
            return Strings(group, leaf);
        }

        return type == typeof(ReadOnlyMemory<char>) ? Read<ReadOnlyMemory<char>>(group, leaf, isList, emptyListDef, v => v.ToString())
            : type == typeof(ReadOnlyMemory<byte>) ? Read<ReadOnlyMemory<byte>>(group, leaf, isList, emptyListDef, v => v.ToArray())
            : type == typeof(int) ? Read<int>(group, leaf, isList, emptyListDef, v => v)
            : type == typeof(long) ? Read<long>(group, leaf, isList, emptyListDef, v => v)
            : type == typeof(double) ? Read<double>(group, leaf, isList, emptyListDef, v => v)
            : type == typeof(float) ? Read<float>(group, leaf, isList, emptyListDef, v => v)
            : type == typeof(bool) ? Read<bool>(group, leaf, isList, emptyListDef, v => v)
            : type == typeof(short) ? Read<short>(group, leaf, isList, emptyListDef, v => (int)v)
            : type == typeof(sbyte) ? Read<sbyte>(group, leaf, isList, emptyListDef, v => (int)v)
            : type == typeof(byte) ? Read<byte>(group, leaf, isList, emptyListDef, v => (int)v)
            : type == typeof(ushort) ? Read<ushort>(group, leaf, isList, emptyListDef, v => (int)v)
            : type == typeof(uint) ? Read<uint>(group, leaf, isList, emptyListDef, v => (long)v)
            : type == typeof(ulong) ? Read<ulong>(group, leaf, isList, emptyListDef, v => v)
            : type == typeof(decimal) ? Read<decimal>(group, leaf, isList, emptyListDef, v => (double)v)
            : type == typeof(DateTime) ? Read<DateTime>(group, leaf, isList, emptyListDef, v => v.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            : throw new NotSupportedException($"values of type {type.Name} are not supported");
    }

    private static int Count(ParquetRowGroupReader group, DataField leaf)
    {
        long count = group.GetMetadata(leaf)?.MetaData?.NumValues ?? throw new InvalidDataException("no column chunk metadata");
        return count >= 0 && count <= Array.MaxLength ? (int)count
            : throw new InvalidDataException($"expected a value count between 0 and {Array.MaxLength}, found {count}");
    }

    private static object?[] Read<T>(ParquetRowGroupReader group, DataField leaf, bool isList, int emptyListDef, Func<T, object> box)
        where T : struct
    {
        int count = Count(group, leaf);
        int maxDef = leaf.MaxDefinitionLevel;
        var values = new T[count];
        // Parquet.Net 6.1 wants both level buffers whether or not the column has levels.
        var def = new int[count];
        var rep = new int[count];
        group.ReadRawAsync(leaf, values.AsMemory(), def.AsMemory(), rep.AsMemory()).AsTask().GetAwaiter().GetResult();
        return isList ? Lists(values, def, rep, maxDef, emptyListDef, box) : Values(values, maxDef > 0 ? def : null, maxDef, box);
    }

    /// <summary>A string column that is not a list: the library's string path, nulls included, with no level buffers
    /// (463 MB allocated reading the benchmark shard instead of 483 through the raw path).</summary>
    private static object?[] Strings(ParquetRowGroupReader group, DataField leaf)
    {
        var values = new string?[Count(group, leaf)];
        group.ReadAsync(leaf, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
        return values;
    }

    private static object?[] Values<T>(T[] values, int[]? def, int maxDef, Func<T, object> box)
    {
        var rows = new object?[values.Length];
        int next = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = def is null || def[i] == maxDef ? box(values[next++]) : null;
        }

        return rows;
    }

    private static object?[] Lists<T>(T[] values, int[] def, int[] rep, int maxDef, int emptyListDef, Func<T, object> box)
    {
        var rows = new List<object?>();
        List<object?>? current = null;
        int next = 0;
        for (int i = 0; i < def.Length; i++)
        {
            if (rep[i] == 0)
            {
                current = def[i] >= emptyListDef ? [] : null;
                rows.Add(current);
            }
            else if (current is null)
            {
                throw new InvalidDataException($"level {i}: a repeated value before any list");
            }

            if (def[i] > emptyListDef)
            {
                current!.Add(def[i] == maxDef ? box(values[next++]) : null);
            }
        }

        return [.. rows];
    }
}
