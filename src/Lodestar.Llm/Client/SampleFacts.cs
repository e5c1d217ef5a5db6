using Microsoft.Extensions.AI;

namespace Lodestar.Llm.Client;

/// <summary>
/// What a server did for one sample of a request, carried in each answer's
/// <see cref="ChatMessage.AdditionalProperties"/>: the seed it drew with, its tokens out, and whether that count is
/// an estimate. Both chat clients (server and embedded) write them; the reranker stores them per sample.
/// </summary>
public static class SampleFacts
{
    /// <summary>Key of the seed (a <see cref="long"/>).</summary>
    public const string Seed = "lodestar.seed";

    /// <summary>Key of the sample's tokens out (a <see cref="long"/>).</summary>
    public const string Tokens = "lodestar.completion_tokens";

    /// <summary>Key of whether <see cref="Tokens"/> is an estimate (a <see cref="bool"/>).</summary>
    public const string TokensEstimated = "lodestar.completion_tokens_estimated";

    /// <summary>The properties for one sample.</summary>
    public static AdditionalPropertiesDictionary Of(long? seed, long tokens, bool estimated)
    {
        var d = new AdditionalPropertiesDictionary { [Tokens] = tokens, [TokensEstimated] = estimated };
        if (seed is long s)
        {
            d[Seed] = s;
        }

        return d;
    }

    /// <summary>The seed, tokens and estimate flag recorded on <paramref name="message"/>, where present.</summary>
    public static (long? Seed, long? Tokens, bool Estimated) Read(ChatMessage message)
    {
        AdditionalPropertiesDictionary? d = message.AdditionalProperties;
        if (d is null)
        {
            return (null, null, false);
        }

        return (d.TryGetValue(Seed, out object? s) && s is long seed ? seed : null,
            d.TryGetValue(Tokens, out object? t) && t is long tokens ? tokens : null,
            d.TryGetValue(TokensEstimated, out object? e) && e is true);
    }
}
