namespace Lodestar.Rerank.Listwise;

/// <summary>What a listwise rerank did.</summary>
/// <param name="Topics">Topics reranked.</param>
/// <param name="Windows">Window calls made or reused.</param>
/// <param name="Requested">Answers asked of the model in this run.</param>
/// <param name="Reused">Answers found in the judgment store.</param>
/// <param name="Repairs">Repairs of the answers, summed.</param>
/// <param name="FailedWindows">Windows whose call failed after its retries; they keep their order.</param>
/// <param name="Failures">Failed requests by kind.</param>
/// <param name="TokensIn">Prompt tokens of this run's requests.</param>
/// <param name="TokensOut">Generated tokens of this run's requests.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record ListwiseSummary(int Topics, int Windows, long Requested, long Reused, PermutationRepairs Repairs, int FailedWindows,
    IReadOnlyDictionary<string, int> Failures, long TokensIn, long TokensOut, double Seconds);
