using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Lodestar.Index;

/// <summary>
/// The storage of one chunk's results until the writer has taken them: the documents' (term id, tf) pairs in two int
/// arrays, and the texts that could not stay slices of their lines (unescaped, or title and body joined) in byte
/// pages. Reused from batch to batch (<see cref="Arenas"/>), arrays and pages included: nothing is allocated per
/// document, and once the buffers have reached their working size, nothing per batch either.
/// </summary>
/// <remarks>One thread fills it; the writer reads it, then <see cref="Reset"/> empties it for the next chunk.</remarks>
internal sealed class ChunkBuffer
{
    private const int PageBytes = 16 << 10;

    private readonly List<byte[]> _pages = [];
    private int _page = -1; // the page being filled
    private int _pageUsed;

    /// <summary>Term ids of the pairs, the first <see cref="Count"/>.</summary>
    public int[] TermIds { get; private set; } = new int[1024];

    /// <summary>Tfs of the pairs, the first <see cref="Count"/>.</summary>
    public int[] Tfs { get; private set; } = new int[1024];

    /// <summary>Pairs appended so far.</summary>
    public int Count { get; private set; }

    /// <summary>Appends one pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(int termId, int tf)
    {
        if (Count == TermIds.Length)
        {
            int[] ids = new int[Count * 2], tfs = new int[Count * 2];
            TermIds.CopyTo(ids, 0);
            Tfs.CopyTo(tfs, 0);
            (TermIds, Tfs) = (ids, tfs);
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

    /// <summary>Empties the buffer for another chunk, keeping its arrays and pages; the texts it handed out must no
    /// longer be in use.</summary>
    public void Reset()
    {
        Count = 0;
        _page = -1;
        _pageUsed = 0;
    }

    /// <summary>Room for <paramref name="bytes"/> in the current page, or in the next one (earlier pages stay in use:
    /// texts already handed out point into them); a page too small for the text is replaced by a larger one.</summary>
    private Span<byte> Reserve(int bytes, out byte[] page, out int at)
    {
        if (_page < 0 || _pageUsed + bytes > _pages[_page].Length)
        {
            _page++;
            if (_page == _pages.Count)
            {
                _pages.Add(new byte[Math.Max(PageBytes, bytes)]);
            }
            else if (_pages[_page].Length < bytes)
            {
                _pages[_page] = new byte[bytes];
            }

            _pageUsed = 0;
        }

        (page, at) = (_pages[_page], _pageUsed);
        return page.AsSpan(_pageUsed, bytes);
    }
}
