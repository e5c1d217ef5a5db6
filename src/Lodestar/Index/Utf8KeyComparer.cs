using System.Text;

namespace Lodestar.Index;

/// <summary>
/// Compares string keys by their UTF-8 bytes and lets a dictionary be searched with a UTF-8 byte span, so terms read
/// from JSON or produced by the analyzer are looked up without allocating a string.
/// </summary>
/// <remarks>Hashes are computed over UTF-8 bytes in both forms (the string form encodes first), so they agree.</remarks>
internal sealed class Utf8KeyComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<byte>, string>
{
    public static readonly Utf8KeyComparer Instance = new();

    public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

    public int GetHashCode(string obj)
    {
        int max = Encoding.UTF8.GetMaxByteCount(obj.Length);
        Span<byte> buffer = max <= 1024 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(obj, buffer);
        return GetHashCode((ReadOnlySpan<byte>)buffer[..n]);
    }

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = default(HashCode);
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    public bool Equals(ReadOnlySpan<byte> alternate, string other)
    {
        if (other.Length > alternate.Length)
        {
            return false; // a UTF-8 string has at least as many bytes as UTF-16 units
        }

        int max = Encoding.UTF8.GetMaxByteCount(other.Length);
        Span<byte> buffer = max <= 1024 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(other, buffer);
        return alternate.SequenceEqual(buffer[..n]);
    }

    public string Create(ReadOnlySpan<byte> alternate) => Encoding.UTF8.GetString(alternate);
}
