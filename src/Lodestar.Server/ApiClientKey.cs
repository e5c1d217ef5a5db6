using Lodestar.Errors;

namespace Lodestar.Server;

/// <summary>One client's API key and the name its requests are counted under (concurrency limits, logs).</summary>
/// <param name="Name">The client's name: the key file's first field, or <c>key N</c> for a line with the key alone.</param>
/// <param name="Key">The bearer token the client sends as <c>Authorization: Bearer KEY</c>.</param>
public sealed record ApiClientKey(string Name, string Key)
{
    /// <summary>Reads a key file: one client per line, <c>KEY</c> or <c>NAME KEY</c>; blank lines and lines starting
    /// with <c>#</c> are skipped.</summary>
    /// <exception cref="InputException">A line has more than two fields, a name or key repeats, or the file holds no key.</exception>
    public static IReadOnlyList<ApiClientKey> ReadFile(string path)
    {
        var keys = new List<ApiClientKey>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            string[] fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            int column = line.IndexOf(fields[0], StringComparison.Ordinal) + 1;
            if (fields.Length > 2)
            {
                throw new InputException(new SourcePosition(path, lineNumber, column), $"expected 'KEY' or 'NAME KEY', found {fields.Length} fields");
            }

            var key = fields.Length == 2 ? new ApiClientKey(fields[0], fields[1]) : new ApiClientKey($"key {keys.Count + 1}", fields[0]);
            if (keys.Any(k => k.Key == key.Key || k.Name == key.Name))
            {
                throw new InputException(new SourcePosition(path, lineNumber, column), $"expected a new client name and key, found a repeated one ('{key.Name}')");
            }

            keys.Add(key);
        }

        return keys.Count > 0 ? keys : throw new InputException(new SourcePosition(path, Math.Max(lineNumber, 1), 1), "expected at least one API key, found none");
    }
}
