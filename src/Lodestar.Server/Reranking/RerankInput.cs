using Lodestar.Rerank.RetroStar;

namespace Lodestar.Server.Reranking;

/// <summary>One candidate document of a rerank request.</summary>
/// <param name="Id">Its id (a document id, or its position in a rerank request).</param>
/// <param name="Text">Its text.</param>
/// <param name="FirstStageScore">The first-stage score (0 when the caller gave none).</param>
public sealed record RerankCandidate(string Id, string Text, double FirstStageScore);

/// <summary>What to rerank and how.</summary>
/// <param name="Query">The query.</param>
/// <param name="Candidates">The candidates in first-stage order.</param>
/// <param name="Samples">K, samples per pair (null = the server's default).</param>
/// <param name="Definition">The relevance definition (null = the server's default).</param>
public sealed record RerankInput(string Query, IReadOnlyList<RerankCandidate> Candidates, int? Samples = null, RelevanceDefinition? Definition = null);

/// <summary>One LLM sample behind a score: its whole answer and the score parsed from it.</summary>
/// <param name="Index">The sample's index among the pair's samples.</param>
/// <param name="Text">The model's answer (its reasoning and the score tag).</param>
/// <param name="Score">The parsed score (0–100), or null when the answer had no score tag.</param>
/// <param name="Outcome">Parsed, Clamped or Unparseable.</param>
public sealed record SampleTrace(int Index, string Text, int? Score, string Outcome);

/// <summary>One reranked candidate.</summary>
/// <param name="Position">The candidate's position in the request (0-based).</param>
/// <param name="Id">The candidate's id.</param>
/// <param name="Score">The method's score scaled to 0–1, or null when no sample could be parsed.</param>
/// <param name="Samples">The samples behind the score.</param>
public sealed record RerankedCandidate(int Position, string Id, double? Score, IReadOnlyList<SampleTrace> Samples);

/// <summary>The result of a rerank: candidates best first (those without a score last, in first-stage order).</summary>
/// <param name="Method">The method that ran.</param>
/// <param name="Model">The model behind it.</param>
/// <param name="Candidates">The candidates, best first.</param>
/// <param name="Requested">Samples asked of the model now.</param>
/// <param name="Reused">Samples found in the judgment store.</param>
/// <param name="Unparseable">Samples with no score tag.</param>
/// <param name="TokensIn">Prompt tokens of the new requests.</param>
/// <param name="TokensOut">Generated tokens of the new requests.</param>
public sealed record RerankOutcome(string Method, string Model, IReadOnlyList<RerankedCandidate> Candidates, long Requested, long Reused,
    long Unparseable, long TokensIn, long TokensOut);
