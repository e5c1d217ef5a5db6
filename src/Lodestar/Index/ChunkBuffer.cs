using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Lodestar.Index;

/// <summary>
/// The pooled storage of one chunk's results until the writer has taken them: the documents' (term id, tf) pairs in
/// two int arrays, and the texts that could not stay slices of their lines (unescaped, or title and body joined) in
/// byte pages. Nothing is allocated per document.
/// </summary>
/// <remarks>One thread fills it; the writer reads it, then <see cref="Release"/> returns every array to the pool.</remarks>
internal sealed class ChunkBuffer
{
    private const int PageBytes = 64 << 10;

    private readonly List<byte[]> _fullPages = [];
    private byte[] _page = [];
    private int _pageUsed;

    /// <summary>Term ids of the pairs, the first <see cref="Count"/>.</summary>
    public int[] TermIds { get; private set; } = ArrayPool<int>.Shared.Rent(4096);

    /// <summary>Tfs of the pairs, the first <see cref="Count"/>.</summary>
    public int[] Tfs { get; private set; } = ArrayPool<int>.Shared.Rent(4096);

    /// <summary>Pairs appended so far.</summary>
    public int Count { get; private set; }

    /// <summary>Appends one pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(int termId, int tf)
    {
        if (Count == TermIds.Length)
        {
            TermIds = Grow(TermIds, Count);
            Tfs = Grow(Tfs, Count);
        }

        TermIds[Count] = termId;
        Tfs[Count] = tf;
        Count++;
    }

    /// <summary>The unescaped UTF-8 bytes of the reader's current string value.</summary>
    public ArraySegment<byte> Unescape(ref Utf8JsonReader reader)
    {
        Span<byte> target = Reserve(reader.ValueSpan.Length, out byte[] page, out int at); // unescaping never lengthens
        int length = reader.CopyString(target);
        _pageUsed += length;
        return new ArraySegment<byte>(page, at, length);
    }

    /// <summary><paramref name="title"/>, a space and <paramref name="body"/>, as one text.</summary>
    public ArraySegment<byte> Join(ArraySegment<byte> title, ArraySegment<byte> body)
    {
        int length = title.Count + 1 + body.Count;
        Span<byte> target = Reserve(length, out byte[] page, out int at);
        title.AsSpan().CopyTo(target);
        target[title.Count] = (byte)' ';
        body.AsSpan().CopyTo(target[(title.Count + 1)..]);
        _pageUsed += length;
        return new ArraySegment<byte>(page, at, length);
    }

    /// <summary>Returns the arrays to the pool.</summary>
    public void Release()
    {
        ArrayPool<int>.Shared.Return(TermIds);
        ArrayPool<int>.Shared.Return(Tfs);
        TermIds = Tfs = [];
        foreach (byte[] page in _fullPages)
        {
            ArrayPool<byte>.Shared.Return(page);
        }

        if (_page.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_page);
        }

        _fullPages.Clear();
        _page = [];
    }

    /// <summary>Room for <paramref name="bytes"/> in the current page, or in a new one (earlier pages stay in use:
    /// texts already handed out point into them).</summary>
    private Span<byte> Reserve(int bytes, out byte[] page, out int at)
    {
        if (_pageUsed + bytes > _page.Length)
        {
            if (_page.Length > 0)
            {
                _fullPages.Add(_page);
            }

            _page = ArrayPool<byte>.Shared.Rent(Math.Max(PageBytes, bytes));
            _pageUsed = 0;
        }

        (page, at) = (_page, _pageUsed);
        return _page.AsSpan(_pageUsed, bytes);
    }

    private static int[] Grow(int[] array, int count)
    {
        int[] larger = ArrayPool<int>.Shared.Rent(array.Length * 2);
        array.AsSpan(0, count).CopyTo(larger);
        ArrayPool<int>.Shared.Return(array);
        return larger;
    }
}
