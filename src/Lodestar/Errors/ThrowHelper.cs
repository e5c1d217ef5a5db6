using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Lodestar.Errors;

/// <summary>Cold-path throws, kept out of hot loops so those stay small.</summary>
internal static class ThrowHelper
{
    /// <summary>Throws an <see cref="InputException"/> at the given position.</summary>
    [DoesNotReturn]
    public static void Input(string path, long line, long column, string problem) =>
        throw new InputException(new SourcePosition(path, line, column), problem);

    /// <summary>Throws an <see cref="InputException"/> at the given position.</summary>
    [DoesNotReturn]
    public static T Input<T>(string path, long line, long column, string problem) =>
        throw new InputException(new SourcePosition(path, line, column), problem);

    /// <summary>Quotes and escapes <paramref name="text"/> for a message, cut to 80 characters.</summary>
    public static string Quote(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder("'");
        foreach (char c in text.Length > 80 ? text[..77] : text)
        {
            _ = c switch
            {
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                '\'' => sb.Append("\\'"),
                < ' ' => sb.Append($"\\x{(int)c:X2}"),
                _ => sb.Append(c),
            };
        }

        if (text.Length > 80)
        {
            sb.Append("...");
        }

        return sb.Append('\'').ToString();
    }

    /// <summary>Quotes raw bytes for a message: printable ASCII as is, others as <c>\xNN</c>, cut to 80.</summary>
    public static string Quote(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder("'");
        foreach (byte b in bytes.Length > 80 ? bytes[..77] : bytes)
        {
            if (b is >= 0x20 and < 0x7F && b != (byte)'\'')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append($"\\x{b:X2}");
            }
        }

        return sb.Append(bytes.Length > 80 ? "...'" : "'").ToString();
    }
}
