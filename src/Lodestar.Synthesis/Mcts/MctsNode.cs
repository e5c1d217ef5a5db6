namespace Lodestar.Synthesis.Mcts;

/// <summary>What made a node.</summary>
public enum MctsAction
{
    /// <summary>The problem itself.</summary>
    Root,

    /// <summary>One next reasoning step.</summary>
    Thought,

    /// <summary>A query, its retrieved documents and their self-reflection labels.</summary>
    Query,

    /// <summary>The remaining steps to a final answer (terminal).</summary>
    Complete,
}

/// <summary>A node of one problem's search tree.</summary>
/// <remarks>Ids are paths: the root is <c>0</c>, its second child <c>0.1</c>. Q-value = ValueSum / Visits.</remarks>
public sealed class MctsNode
{
    /// <summary>Creates a node under <paramref name="parent"/> (null for the root).</summary>
    public MctsNode(MctsNode? parent, int index, MctsAction action, string text)
    {
        Parent = parent;
        Id = parent is null ? "0" : $"{parent.Id}.{index}";
        Depth = parent is null ? 0 : parent.Depth + 1;
        Action = action;
        Text = text;
    }

    /// <summary>The path id.</summary>
    public string Id { get; }

    /// <summary>The parent; null at the root.</summary>
    public MctsNode? Parent { get; }

    /// <summary>Depth; the root is 0.</summary>
    public int Depth { get; }

    /// <summary>The action that made the node.</summary>
    public MctsAction Action { get; }

    /// <summary>The step's text: a thought, the query, or the completed solution.</summary>
    public string Text { get; }

    /// <summary>A query node's documents, in retrieval order.</summary>
    public List<RetrievedDocument> Documents { get; } = [];

    /// <summary>Children in creation order: thoughts, then the query, then the completion.</summary>
    public List<MctsNode> Children { get; } = [];

    /// <summary>Whether the children were made.</summary>
    public bool Expanded { get; set; }

    /// <summary>A leaf: a final answer, a dead end or the depth limit.</summary>
    public bool Terminal { get; set; }

    /// <summary>Removed from selection: a query none of whose documents was judged relevant.</summary>
    public bool Pruned { get; set; }

    /// <summary>The extracted final answer of a terminal node; null when it had none.</summary>
    public string? Answer { get; set; }

    /// <summary>Whether <see cref="Answer"/> equals the gold answer.</summary>
    public bool Correct { get; set; }

    /// <summary>The rule that decided <see cref="Correct"/>.</summary>
    public string? Rule { get; set; }

    /// <summary>Reward of a terminal node: 1 when correct, else 0.</summary>
    public double Reward => Correct ? 1 : 0;

    /// <summary>Times a rollout passed through the node.</summary>
    public int Visits { get; set; }

    /// <summary>Sum of the rewards backed up through the node.</summary>
    public double ValueSum { get; set; }

    /// <summary>Mean backed-up reward; 0 before any visit.</summary>
    public double Q => Visits == 0 ? 0 : ValueSum / Visits;

    /// <summary>The nodes from the root to this one.</summary>
    public List<MctsNode> PathFromRoot()
    {
        var path = new List<MctsNode>();
        for (MctsNode? n = this; n is not null; n = n.Parent)
        {
            path.Add(n);
        }

        path.Reverse();
        return path;
    }

    /// <summary>Every node under and including this one, depth first in child order.</summary>
    public IEnumerable<MctsNode> All()
    {
        yield return this;
        foreach (MctsNode child in Children)
        {
            foreach (MctsNode n in child.All())
            {
                yield return n;
            }
        }
    }
}
