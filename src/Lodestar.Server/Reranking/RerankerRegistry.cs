namespace Lodestar.Server.Reranking;

/// <summary>The reranking methods the service was started with, by name; the first is the default.</summary>
public sealed class RerankerRegistry
{
    private readonly Dictionary<string, IReranker> _methods;

    /// <summary>Registers <paramref name="methods"/> (names compared ignoring case).</summary>
    public RerankerRegistry(IEnumerable<IReranker> methods)
    {
        List<IReranker> list = [.. methods];
        _methods = list.ToDictionary(m => m.Method, StringComparer.OrdinalIgnoreCase);
        Default = list.FirstOrDefault();
    }

    /// <summary>The method used when a request names none; null when no LLM is configured.</summary>
    public IReranker? Default { get; }

    /// <summary>The method names.</summary>
    public IEnumerable<string> Names => _methods.Keys;

    /// <summary>Finds a method; null names the default.</summary>
    public bool TryGet(string? method, out IReranker? reranker)
    {
        if (method is null)
        {
            reranker = Default;
            return reranker is not null;
        }

        return _methods.TryGetValue(method, out reranker);
    }
}
