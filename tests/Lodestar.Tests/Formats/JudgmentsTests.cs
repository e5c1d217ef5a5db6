using System.Text;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Tests.Formats;

public class JudgmentsTests
{
    [Fact]
    public void Judgments_AnswerAsAnOrdinalDictionaryDoes_ByStringAndByUtf8()
    {
        // Ids of every shape (short, 8 and 16 bytes exactly, long, non-ASCII, one prefix of another), enough of them
        // to grow past the first table several times, added in a random order with some repeated.
        var rng = new Random(5);
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        var judgments = new Judgments();
        var order = new List<string>();
        for (int i = 0; i < 3000; i++)
        {
            int d = rng.Next(2000);
            string id = (d % 6) switch
            {
                0 => $"d{d}",
                1 => $"0123456{d % 10}",
                2 => $"0123456701234567{d}",
                3 => $"é-ü-{d}-漢字",
                4 => new string('x', 130 + (d % 7)) + d,
                _ => $"Pony/2_p{d % 3}x{d}.txt_0",
            };
            int grade = rng.Next(-2, 4);
            bool added = expected.TryAdd(id, grade);
            if (added)
            {
                order.Add(id);
            }

            Assert.Equal(added, i % 2 == 0 ? judgments.TryAdd(id, grade) : judgments.TryAdd(Encoding.UTF8.GetBytes(id), grade));
        }

        Assert.Equal(expected.Count, judgments.Count);
        Assert.Equal(order, judgments.Keys);
        Assert.Equal(order.Select(id => expected[id]), judgments.Values);
        Assert.Equal(order.Select(id => KeyValuePair.Create(id, expected[id])), judgments);
        foreach ((string id, int grade) in expected)
        {
            Assert.True(judgments.TryGetValue(id, out int byString));
            Assert.True(judgments.TryGetValue(Encoding.UTF8.GetBytes(id), out int byBytes));
            Assert.Equal((grade, grade, grade), (byString, byBytes, judgments[id]));
        }

        foreach (string absent in new[] { "", "d", "0123456", "01234567012345670", "é-ü", new string('x', 131), "d2000" })
        {
            Assert.False(judgments.ContainsKey(absent));
            Assert.False(judgments.TryGetValue(Encoding.UTF8.GetBytes(absent), out _));
        }

        Assert.Throws<KeyNotFoundException>(() => judgments["nope"]);
    }

    [Fact]
    public void AnIdThatIsNotValidUnicode_IsRefused_AndFoundNowhere()
    {
        var judgments = new Judgments();
        Assert.True(judgments.TryAdd("ok", 1));
        Assert.Throws<ArgumentException>(() => judgments.TryAdd("bad\uD800", 1));
        Assert.False(judgments.ContainsKey("bad\uD800"));
        Assert.False(judgments.ContainsKey("bad\uFFFD")); // the replacement a lossy encoding would have stored
        Assert.Single(judgments);
    }

    [Fact]
    public void QrelsFromAFile_LookUpEscapedIdsAsTheIdsTheyStandFor()
    {
        using var dir = new TempDir();
        string path = dir.Write("q.txt", "1 0 x%20y 2\n1 0 plain 1\n2 0 Pony/a.txt_0 0\n");
        Qrels qrels = QrelsFormat.Read(path);
        Assert.Equal(2, qrels["1"]["x y"]);
        Assert.False(qrels["1"].ContainsKey("x%20y"));
        Assert.Equal(1, qrels["1"]["plain"]);
        Assert.Equal(0, qrels["2"]["Pony/a.txt_0"]);
        Assert.Empty(qrels["3"]);
        Assert.Equal([KeyValuePair.Create("x y", 2), KeyValuePair.Create("plain", 1)], qrels["1"]);
    }
}
