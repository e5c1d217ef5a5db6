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

    /// <summary>96-bit legacy timestamps.</summary>
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
