namespace Lodestar.Search;

/// <summary>One term's share of a BM25 score.</summary>
/// <param name="Term">The analyzed term.</param>
/// <param name="QueryTf">Occurrences in the query.</param>
/// <param name="Df">Documents containing the term.</param>
/// <param name="Idf">idf(t).</param>
/// <param name="Tf">Occurrences in the document (0 when absent).</param>
/// <param name="QueryWeight">w(t,q) (Bright) or qtf·idf (Lucene).</param>
/// <param name="Contribution">The term's addend of the score.</param>
public sealed record TermExplanation(string Term, int QueryTf, int Df, double Idf, int Tf, double QueryWeight, double Contribution);

/// <summary>Why a document got its score: the per-term breakdown, which sums to <see cref="Score"/>.</summary>
/// <param name="DocId">The external document id.</param>
/// <param name="DocLength">|d| in terms.</param>
/// <param name="Score">The score, as <see cref="Searcher.Search(string,int,IReadOnlyCollection{string}?)"/> gives it.</param>
/// <param name="Terms">One line per in-vocabulary query term.</param>
/// <param name="DroppedTerms">Query terms not in the index (out of vocabulary), which gensim drops too.</param>
public sealed record Explanation(string DocId, int DocLength, double Score, IReadOnlyList<TermExplanation> Terms, IReadOnlyList<string> DroppedTerms);
