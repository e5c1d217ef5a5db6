using System.Text;
using System.Text.Json;

namespace Lodestar.Cli.Commands.Bm25Bench;

/// <summary>One corpus of the benchmark: a JSONL file, or an evenly spaced sample of <see cref="Lines"/> of its lines.</summary>
/// <param name="Path">The corpus file.</param>
/// <param name="Lines">The sample size, or null for the whole file.</param>
internal sealed record CorpusSpec(string Path, int? Lines)
{
    /// <summary>Parses <c>PATH</c> or <c>PATH@N</c>.</summary>
    public static CorpusSpec Parse(string text)
    {
        int at = text.LastIndexOf('@');
        return at > 0 && int.TryParse(text.AsSpan(at + 1), out int n) && n > 0 ? new CorpusSpec(text[..at], n) : new CorpusSpec(text, null);
    }
}

/// <summary>
/// The benchmark's inputs, prepared once and untimed: every system gets the same terms (Lodestar's English analyzer,
/// run once) and the same stored text. Lodestar reads <c>{"id","tokens","content"}</c> JSONL; the native peers read
/// the same records with ASCII unit/record separators (<c>id US text US terms RS</c>), which the sqlite3 CLI's
/// <c>.import --ascii</c> takes as they are. Queries: repeated terms folded to one, in first-occurrence order, for every
/// system.
/// </summary>
internal static class Bm25BenchInputs
{
    private const char Unit = '\x1f';
    private const char Record = '\x1e';

    /// <summary>Writes an evenly spaced sample of <paramref name="lines"/> lines of <paramref name="source"/>.</summary>
    public static void Sample(string source, int lines, string target)
    {
        long total = File.ReadLines(source).LongCount();
        using var writer = new StreamWriter(target, false, new UTF8Encoding(false));
        long i = 0;
        foreach (string line in File.ReadLines(source))
        {
            if ((i + 1) * lines / total > i * lines / total)
            {
                writer.Write(line);
                writer.Write('\n');
            }

            i++;
        }
    }

    /// <summary>The peers' documents file from Lodestar's pre-analyzed corpus; returns the document and term counts.</summary>
    public static (long Documents, long Tokens) WritePeerDocuments(string tokensJsonl, string target)
    {
        using var writer = new StreamWriter(target, false, new UTF8Encoding(false), 1 << 20);
        long documents = 0, tokens = 0;
        foreach (string line in File.ReadLines(tokensJsonl))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            writer.Write(Clean(root.GetProperty("id").GetString()!));
            writer.Write(Unit);
            writer.Write(Clean(root.TryGetProperty("content", out JsonElement content) ? content.GetString()! : ""));
            writer.Write(Unit);
            bool first = true;
            foreach (JsonElement term in root.GetProperty("tokens").EnumerateArray())
            {
                if (!first)
                {
                    writer.Write(' ');
                }

                writer.Write(term.GetString());
                first = false;
                tokens++;
            }

            writer.Write(Record);
            documents++;
        }

        return (documents, tokens);
    }

    /// <summary>Folds each topic's repeated terms (first occurrence kept), optionally shuffles the topics with a fixed
    /// seed (so a time-bounded pass over a prefix is a random sample), and writes them for Lodestar and the peers.</summary>
    /// <returns>The number of topics and their average number of distinct terms.</returns>
    public static (int Count, double AverageTerms) WriteQueries(string analyzedTopics, string lodestarTarget, string peerTarget, bool shuffle)
    {
        var topics = new List<(string Id, List<string> Terms)>();
        foreach (string line in File.ReadLines(analyzedTopics).Where(l => l.Length > 0))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var terms = new List<string>();
            foreach (JsonElement t in doc.RootElement.GetProperty("tokens").EnumerateArray())
            {
                if (seen.Add(t.GetString()!))
                {
                    terms.Add(t.GetString()!);
                }
            }

            topics.Add((doc.RootElement.GetProperty("id").GetString()!, terms));
        }

        if (shuffle)
        {
            new Random(13).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(topics));
        }

        using (var stream = File.Create(lodestarTarget))
        {
            foreach ((string id, List<string> terms) in topics)
            {
                using (var json = new Utf8JsonWriter(stream))
                {
                    json.WriteStartObject();
                    json.WriteString("id", id);
                    json.WriteStartArray("tokens");
                    terms.ForEach(json.WriteStringValue);
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                stream.WriteByte((byte)'\n');
            }
        }

        using var peer = new StreamWriter(peerTarget, false, new UTF8Encoding(false));
        foreach ((string id, List<string> terms) in topics)
        {
            peer.Write(Clean(id));
            peer.Write(Unit);
            peer.Write(string.Join(' ', terms));
            peer.Write(Record);
        }

        return (topics.Count, topics.Count == 0 ? 0 : topics.Average(t => t.Terms.Count));
    }

    private static string Clean(string text) => text.Replace(Unit, ' ').Replace(Record, ' ');
}
