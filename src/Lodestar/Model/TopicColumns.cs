using System.Buffers;
using System.Numerics;
using System.Text;
using Lodestar.Formats;

namespace Lodestar.Model;

/// <summary>One topic's hits as columns: document ids as the UTF-8 bytes written in the run file, scores, and the
/// line each hit came from. No object per hit.</summary>
public sealed class TopicColumns
{
    private ByteStrings _ids;
    private double[] _scores;
    private long[] _lines;

    /// <summary>Creates an empty topic.</summary>
    public TopicColumns()
        : this(0, 0)
    {
    }

    /// <summary>Creates an empty topic with room for <paramref name="hits"/> hits and <paramref name="idBytes"/>
    /// bytes of ids (a run's topics usually have the same depth: sizing by the previous one saves the regrowth).</summary>
    public TopicColumns(int hits, int idBytes)
    {
        hits = Math.Max(hits, 16);
        _ids = new ByteStrings(hits, Math.Max(idBytes, 256));
        _scores = new double[hits];
        _lines = new long[hits];
    }

    /// <summary>Bytes of document ids held.</summary>
    public int IdByteCount => _ids.ByteCount;

    /// <summary>The number of hits.</summary>
    public int Count => _ids.Count;

    /// <summary>The score of hit <paramref name="i"/> (file order).</summary>
    public double Score(int i) => _scores[i];

    /// <summary>The line of the run file hit <paramref name="i"/> came from.</summary>
    public long Line(int i) => _lines[i];

    /// <summary>Hit <paramref name="i"/>'s document id as written in the file (escapes not decoded).</summary>
    public ReadOnlySpan<byte> DocIdBytes(int i) => _ids[i];

    /// <summary>Hit <paramref name="i"/>'s document id, white-space escapes decoded (<see cref="TrecIds"/>).</summary>
    public string DocId(int i) => TrecIds.Unescape(Encoding.UTF8.GetString(DocIdBytes(i)));

    /// <summary>Removes every hit and keeps the arrays, for the next topic of a streamed run.</summary>
    public void Clear() => _ids.Clear();

    /// <summary>Appends a hit.</summary>
    public void Add(ReadOnlySpan<byte> docId, double score, long line)
    {
        int i = Count;
        _ids.Add(docId, out int grown);
        if (grown > 0)
        {
            Array.Resize(ref _scores, grown);
            Array.Resize(ref _lines, grown);
        }

        _scores[i] = score;
        _lines[i] = line;
    }

    /// <summary>The hits as <see cref="Hit"/> values, for stages that need strings.</summary>
    public List<Hit> ToHits()
    {
        var hits = new List<Hit>(Count);
        for (int i = 0; i < Count; i++)
        {
            hits.Add(new Hit(DocId(i), _scores[i]));
        }

        return hits;
    }

    /// <summary>Finds the first hit (in file order) whose document came earlier in this topic.</summary>
    /// <returns>The index of that hit and of the earlier one, or (-1, -1) when every document is given once.</returns>
    /// <remarks>Ids compare as decoded (<c>%20</c> and a literal space are one id), through an open-addressing table
    /// over the bytes: O(n), no string per hit unless an id holds an escape.</remarks>
    public (int Second, int First) FindDuplicate()
    {
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, Count * 2));
        int[] slots = ArrayPool<int>.Shared.Rent(capacity);
        try
        {
            slots.AsSpan(0, capacity).Fill(-1);
            int mask = capacity - 1;
            for (int i = 0; i < Count; i++)
            {
                ReadOnlySpan<byte> key = Key(i);
                int slot = (int)Index.Utf8Hash.Of(key) & mask;
                while (slots[slot] >= 0)
                {
                    if (Key(slots[slot]).SequenceEqual(key))
                    {
                        return (i, slots[slot]);
                    }

                    slot = (slot + 1) & mask;
                }

                slots[slot] = i;
            }

            return (-1, -1);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(slots);
        }
    }

    // The id's bytes as decoded: the written bytes unless the id holds a '%' (then the decoded id, re-encoded).
    private ReadOnlySpan<byte> Key(int i)
    {
        ReadOnlySpan<byte> bytes = DocIdBytes(i);
        return bytes.IndexOf((byte)'%') < 0 ? bytes : Encoding.UTF8.GetBytes(DocId(i));
    }
}
