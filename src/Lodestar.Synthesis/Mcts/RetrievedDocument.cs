namespace Lodestar.Synthesis.Mcts;

/// <summary>The self-reflection verdict on a retrieved document.</summary>
public enum Relevance
{
    /// <summary>The model's output had no label: counted as <c>no_label</c>, never a positive or a negative.</summary>
    Unlabelled,

    /// <summary>Useful for the step: a positive for the query.</summary>
    Relevant,

    /// <summary>Not useful: pruned from the tree, kept as a hard negative.</summary>
    Irrelevant,
}

/// <summary>A document a query node retrieved, with the model's label and reason.</summary>
/// <param name="DocId">The document's id.</param>
/// <param name="Rank">1-based rank in the retrieval.</param>
/// <param name="Score">Retrieval score.</param>
/// <param name="Label">The self-reflection label.</param>
/// <param name="Reason">The model's reason ("" when it gave none).</param>
public sealed record RetrievedDocument(string DocId, int Rank, double Score, Relevance Label, string Reason);
