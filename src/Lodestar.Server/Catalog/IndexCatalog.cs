using System.Text.RegularExpressions;
using Lodestar.Dense;
using Lodestar.Index;
using Lodestar.Search;
using Lodestar.Server.Api;

namespace Lodestar.Server.Catalog;

/// <summary>The indexes the service was started with, by name. Requests name an index; they never give a path.</summary>
public sealed partial class IndexCatalog : IDisposable
{
    private readonly Dictionary<string, LoadedIndex> _indexes = new(StringComparer.Ordinal);

    /// <summary>Opens every index (checking each file's checksum) with the given BM25 parameters.</summary>
    /// <exception cref="ArgumentException">A name is not a plain name, or is given twice.</exception>
    public IndexCatalog(IEnumerable<(string Name, string Path)> indexes, Bm25Parameters parameters)
    {
        foreach ((string name, string path) in indexes)
        {
            if (!NamePattern().IsMatch(name))
            {
                throw new ArgumentException($"index name '{name}': expected letters, digits, '.', '_' or '-' (at most 64, not starting with '.')");
            }

            if (_indexes.ContainsKey(name))
            {
                throw new ArgumentException($"index name '{name}' is given twice; name them with INDEX=NAME");
            }

            IndexReader reader = IndexReader.Open(path);
            string dense = System.IO.Path.Combine(path, "dense");
            VectorIndex? vectors = File.Exists(System.IO.Path.Combine(dense, VectorIndexHeader.FileName)) ? VectorIndex.Open(dense) : null;
            _indexes[name] = new LoadedIndex(name, reader, new Searcher(reader, parameters), vectors);
        }
    }

    /// <summary>The names, in the order given.</summary>
    public IReadOnlyCollection<string> Names => _indexes.Keys;

    /// <summary>The indexes.</summary>
    public IEnumerable<LoadedIndex> All => _indexes.Values;

    /// <summary>The index named <paramref name="name"/>.</summary>
    /// <exception cref="ApiProblem">404 when no index has that name (a path is just an unknown name).</exception>
    public LoadedIndex Get(string? name)
    {
        if (name is null && _indexes.Count == 1)
        {
            return _indexes.Values.First();
        }

        return name is not null && _indexes.TryGetValue(name, out LoadedIndex? index) ? index
            : throw ApiProblem.NotFound($"unknown index '{Cut(name ?? "")}', expected one of: {string.Join(", ", _indexes.Keys)}");
    }

    /// <summary>The text cut to 80 characters for a message.</summary>
    internal static string Cut(string text) => text.Length <= 80 ? text : text[..77] + "...";

    /// <summary>A plain name: no separators, no leading dot.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (LoadedIndex index in _indexes.Values)
        {
            index.Reader.Dispose();
            index.Vectors?.Dispose();
        }
    }
}
