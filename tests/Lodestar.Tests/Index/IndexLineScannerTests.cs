using System.Text;
using Lodestar.Index;

namespace Lodestar.Tests.Index;

public class IndexLineScannerTests
{
    private sealed record Parsed(bool Ok, string Id, string Text, bool HadTokens, int[] Terms);

    private static Parsed Scan(TermCache cache, byte[] line, bool withTokens)
    {
        var ids = new List<int>();
        bool ok = IndexLineScanner.TryParse(new ArraySegment<byte>(line), cache, withTokens, ids, new ChunkBuffer(),
            out ArraySegment<byte> id, out ArraySegment<byte> text, out bool hadTokens);
        return new Parsed(ok, Encoding.UTF8.GetString(id.AsSpan()), Encoding.UTF8.GetString(text.AsSpan()), hadTokens, [.. ids]);
    }

    private static Parsed Parse(TermCache cache, byte[] line, bool withTokens)
    {
        var ids = new List<int>();
        bool ok = IndexLineParser.TryParse(new ArraySegment<byte>(line), cache, withTokens, ids, new ChunkBuffer(),
            out ArraySegment<byte> id, out ArraySegment<byte> text, out bool hadTokens);
        return new Parsed(ok, Encoding.UTF8.GetString(id.AsSpan()), Encoding.UTF8.GetString(text.AsSpan()), hadTokens, [.. ids]);
    }

    public static TheoryData<string, bool, bool> Lines => new()
    {
        // line, pre-tokenized, whether the scanner takes it (when it does not, the reader-based parser decides)
        { """{"id":"a#1","tokens":["x","y","x"],"content":"Hello"}""", true, true },
        { """ { "id" : "a" , "tokens" : [ "x" , "y" ] , "content" : "t" } """, true, true },
        { """{"id":"a","tokens":["x"],"content":"it\u0027s \"q\" \\ done\n"}""", true, true },
        { """{"id":"\u00e9t\u00e9","tokens":["caf\u00e9","x\"y","\ud83d\ude00"],"content":"c"}""", true, true },
        { """{"_id":"d","title":"T","text":"B","tokens":[]}""", true, true },
        { """{"docid":"d","title":"Only a title","tokens":["t"]}""", true, true },
        { """{"id":"d","contents":"plain text"}""", false, true },
        { """{"id":"a","tokens":["x"],"content":"c","extra":1}""", true, false },
        { """{"id":"a","id":"b","tokens":["x"],"content":"c"}""", true, false },
        { """{"id":"a","tokens":["x"],"tokens":["y"],"content":"c"}""", true, false },
        { """{"id":"a","text":"b","content":"c","tokens":[]}""", true, false },
        { """{"i\u0064":"a","tokens":["x"],"content":"c"}""", true, false },
        { "{\"id\":\"a\",\"tokens\":[\"x\ty\"],\"content\":\"c\"}", true, false },
        { """{"id":"a","tokens":[],"content":"c"} x""", true, false },
        { """{"id":"a","tokens":["x",],"content":"c"}""", true, false },
        { """{"id":"a","tokens":["\x"],"content":"c"}""", true, false },
        { """{"id":"a","tokens":["\ud800"],"content":"c"}""", true, false },
        { """{"id":"a","tokens":[1],"content":"c"}""", true, false },
        { """{"tokens":["x"],"content":"c"}""", true, false },
        { """{"id":"","tokens":["x"],"content":"c"}""", true, false },
        { """{"id":"a","tokens":["x"]}""", true, false },
        { """{"id":"a","tokens":["x"],"content":"c"}""", false, false },
        { """{"id":"a","content":"c"}""", true, false },
        { """{"id":"a","tokens":["x"],"content":"c\""", true, false },
        { """["id","a"]""", true, false },
        { "", true, false },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void TryParse_TakesThePlainShapes_AndAgreesWithTheReaderBasedParser(string line, bool withTokens, bool taken)
    {
        var cache = new TermCache(new Vocabulary());
        byte[] bytes = Encoding.UTF8.GetBytes(line);
        Parsed scanned = Scan(cache, bytes, withTokens);
        Assert.Equal(taken, scanned.Ok);
        if (scanned.Ok)
        {
            Parsed parsed = Parse(cache, bytes, withTokens);
            Assert.True(parsed.Ok);
            Assert.Equal(parsed.Id, scanned.Id);
            Assert.Equal(parsed.Text, scanned.Text);
            Assert.Equal(parsed.HadTokens, scanned.HadTokens);
            Assert.Equal(parsed.Terms, scanned.Terms);
        }
    }

    [Fact]
    public void TryParse_UnescapesAsJsonDoes()
    {
        var cache = new TermCache(new Vocabulary());
        Parsed p = Scan(cache, Encoding.UTF8.GetBytes("""{"id":"x\/y","tokens":["a","caf\u00e9","a"],"content":"it\u0027s \"q\""}"""), true);
        Assert.True(p.Ok);
        Assert.Equal("x/y", p.Id);
        Assert.Equal("it's \"q\"", p.Text);
        Assert.Equal(Scan(cache, Encoding.UTF8.GetBytes("""{"id":"b","tokens":["a","café"],"content":"c"}"""), true).Terms, p.Terms.Distinct());
        Assert.Equal(3, p.Terms.Length);
    }

    [Fact]
    public void TryParse_EscapedTokenLongerThanTheStackBuffer_IsLeftToTheParser()
    {
        var cache = new TermCache(new Vocabulary());
        string longToken = string.Concat(Enumerable.Repeat("\\u0041", 200)); // 1,200 escaped bytes, 200 unescaped
        byte[] line = Encoding.UTF8.GetBytes($$"""{"id":"a","tokens":["{{longToken}}"],"content":"c"}""");
        Assert.False(Scan(cache, line, true).Ok);
        Assert.False(Parse(cache, line, true).Ok); // the reader-based parser too: the general parser takes it
    }
}
