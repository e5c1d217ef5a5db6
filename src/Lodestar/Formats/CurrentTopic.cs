using System.Text;

namespace Lodestar.Formats;

/// <summary>The topic id of the line being read, made a string only when the id's bytes change: TREC runs and qrels
/// come grouped by topic, so a reader makes a string per topic rather than per line.</summary>
internal sealed class CurrentTopic
{
    private byte[] _bytes = new byte[64];
    private int _length = -1;

    /// <summary>The current topic's id ("" before the first line).</summary>
    public string Id { get; private set; } = "";

    /// <summary>Takes the topic field of the next line; true when it names another topic than the line before (then
    /// <see cref="Id"/> is the new id).</summary>
    public bool Changed(ReadOnlySpan<byte> field)
    {
        if (_length >= 0 && field.SequenceEqual(_bytes.AsSpan(0, _length)))
        {
            return false;
        }

        if (field.Length > _bytes.Length)
        {
            _bytes = new byte[field.Length * 2];
        }

        field.CopyTo(_bytes);
        _length = field.Length;
        Id = Encoding.UTF8.GetString(field);
        return true;
    }
}
