namespace Lodestar.Formats.Parquet;

/// <summary>
/// A reader for Thrift's compact protocol, the encoding of Parquet's footer and page headers. Structs are read
/// generically into <see cref="ThriftStruct"/> (field id → value), so fields this reader does not know are skipped.
/// </summary>
/// <remarks>
/// Field header: high nibble = delta from the previous field id (0: an explicit zigzag i16 follows), low nibble =
/// type (1/2 boolean true/false, 3 i8, 4 i16, 5 i32, 6 i64, 7 double, 8 binary, 9 list, 10 set, 11 map, 12 struct);
/// integers are zigzag varints; a list header holds its size (15: a varint follows) and element type.
/// </remarks>
internal ref struct ThriftCompact(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _pos;

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _pos;

    /// <summary>Reads one struct.</summary>
    /// <exception cref="FormatException">The bytes end early or hold an unknown type.</exception>
    public ThriftStruct ReadStruct(int depth = 0)
    {
        if (depth > 32)
        {
            throw new FormatException("Thrift structs nested too deeply");
        }

        var fields = new ThriftStruct();
        short last = 0;
        while (true)
        {
            byte header = Byte();
            if (header == 0)
            {
                return fields;
            }

            int type = header & 0x0f;
            int delta = header >> 4;
            short id = delta != 0 ? (short)(last + delta) : (short)Zigzag(Varint());
            last = id;
            fields[id] = type switch
            {
                1 => true,
                2 => false,
                _ => Value(type, depth),
            };
        }
    }

    private object Value(int type, int depth) => type switch
    {
        1 => true,
        2 => false,
        3 => (long)(sbyte)Byte(),
        4 or 5 or 6 => Zigzag(Varint()),
        7 => BitConverter.ToDouble(Take(8)),
        8 => Take(checked((int)Varint())).ToArray(),
        9 or 10 => List(depth),
        11 => Map(depth),
        12 => ReadStruct(depth + 1),
        _ => throw new FormatException($"unknown Thrift type {type}"),
    };

    private List<object> List(int depth)
    {
        byte header = Byte();
        int size = header >> 4;
        if (size == 15)
        {
            size = checked((int)Varint());
        }

        int type = header & 0x0f;
        var list = new List<object>(Math.Min(size, 1 << 16));
        for (int i = 0; i < size; i++)
        {
            list.Add(type is 1 or 2 ? Byte() == 1 : Value(type, depth + 1));
        }

        return list;
    }

    private List<object> Map(int depth)
    {
        int size = checked((int)Varint());
        var pairs = new List<object>();
        if (size == 0)
        {
            return pairs;
        }

        byte types = Byte();
        for (int i = 0; i < size; i++)
        {
            pairs.Add(Value(types >> 4, depth + 1));
            pairs.Add(Value(types & 0x0f, depth + 1));
        }

        return pairs;
    }

    private byte Byte() => _pos < _data.Length ? _data[_pos++] : throw new FormatException("Thrift data ends early");

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || _pos + n > _data.Length)
        {
            throw new FormatException("Thrift data ends early");
        }

        ReadOnlySpan<byte> s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }

    private ulong Varint() => Index.VarInt.ReadChecked(_data, ref _pos);

    private static long Zigzag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);
}

/// <summary>A Thrift struct read generically: field id → value (long, bool, double, byte[], list, struct).</summary>
internal sealed class ThriftStruct : Dictionary<short, object>
{
    public long Long(short id, long fallback = 0) => TryGetValue(id, out object? v) && v is long l ? l : fallback;

    public int Int(short id, int fallback = 0) => checked((int)Long(id, fallback));

    public bool Has(short id) => ContainsKey(id);

    public bool Bool(short id, bool fallback) => TryGetValue(id, out object? v) && v is bool b ? b : fallback;

    public string? String(short id) => TryGetValue(id, out object? v) && v is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : null;

    public ThriftStruct? Struct(short id) => TryGetValue(id, out object? v) ? v as ThriftStruct : null;

    public IEnumerable<ThriftStruct> Structs(short id) => TryGetValue(id, out object? v) && v is List<object> l ? l.OfType<ThriftStruct>() : [];

    public IEnumerable<long> Longs(short id) => TryGetValue(id, out object? v) && v is List<object> l ? l.OfType<long>() : [];

    public IEnumerable<string> Strings(short id) => TryGetValue(id, out object? v) && v is List<object> l
        ? l.OfType<byte[]>().Select(b => System.Text.Encoding.UTF8.GetString(b)) : [];
}
