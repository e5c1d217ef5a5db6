using System.Text.Json.Nodes;
using Lodestar.Synthesis.Data;

namespace Lodestar.Synthesis.Mcts;

/// <summary>The files of <c>synth mcts</c>: trees, (query, positive, negatives) pairs and the documents they name.</summary>
/// <remarks>
/// <c>trees.jsonl</c>: one problem a line with every node (id, parent, action, text, visits, Q, documents with label
/// and reason, answer, reward, whether it lies on a rewarded path). <c>pairs.jsonl</c>: one query node a line, only
/// from paths whose answer is correct: the MCTS query, the partial solution before it (for <c>q_CoT</c>), the
/// problem, relevant documents as positives and irrelevant ones as hard negatives. <c>documents.jsonl</c>: id and
/// text of every retrieved document, sorted by id. Everything is a function of the trees, so a resumed run writes
/// the same bytes.
/// </remarks>
public static class MctsOutput
{
    /// <summary>Trees file name.</summary>
    public const string Trees = "trees.jsonl";

    /// <summary>Pairs file name.</summary>
    public const string Pairs = "pairs.jsonl";

    /// <summary>Documents file name.</summary>
    public const string Documents = "documents.jsonl";

    /// <summary>Summary (dataset card input) file name.</summary>
    public const string Summary = "summary.json";

    /// <summary>The nodes on some path from the root to a correct terminal node.</summary>
    public static HashSet<MctsNode> RewardedNodes(MctsNode root)
    {
        var set = new HashSet<MctsNode>();
        foreach (MctsNode leaf in root.All().Where(n => n.Terminal && n.Correct))
        {
            set.UnionWith(leaf.PathFromRoot());
        }

        return set;
    }

    /// <summary>One tree as a JSON line.</summary>
    public static JsonObject Tree(Problem problem, MctsNode root)
    {
        HashSet<MctsNode> rewarded = RewardedNodes(root);
        var nodes = new JsonArray();
        foreach (MctsNode n in root.All())
        {
            var o = new JsonObject
            {
                ["id"] = n.Id,
                ["parent"] = n.Parent?.Id,
                ["depth"] = n.Depth,
                ["action"] = n.Action.ToString().ToLowerInvariant(),
                ["text"] = n.Action == MctsAction.Root ? null : n.Text,
                ["visits"] = n.Visits,
                ["q"] = n.Q,
                ["terminal"] = n.Terminal,
                ["pruned"] = n.Pruned,
                ["rewarded_path"] = rewarded.Contains(n),
            };
            if (n.Action == MctsAction.Query)
            {
                o["documents"] = new JsonArray([.. n.Documents.Select(d => (JsonNode)new JsonObject
                {
                    ["docid"] = d.DocId,
                    ["rank"] = d.Rank,
                    ["score"] = d.Score,
                    ["label"] = d.Label.ToString().ToLowerInvariant(),
                    ["reason"] = d.Reason,
                })]);
            }

            if (n.Terminal && n.Action != MctsAction.Root)
            {
                o["answer"] = n.Answer;
                o["correct"] = n.Correct;
                o["rule"] = n.Rule;
            }

            nodes.Add(o);
        }

        return new JsonObject
        {
            ["id"] = problem.Id,
            ["problem"] = problem.Text,
            ["answer"] = problem.Answer,
            ["answer_type"] = problem.Type.ToString().ToLowerInvariant(),
            ["theorem"] = problem.Theorem,
            ["solved"] = rewarded.Count > 0,
            ["nodes"] = nodes,
        };
    }

    /// <summary>The pairs of one tree: query nodes on rewarded paths, in node order.</summary>
    public static IEnumerable<JsonObject> PairsOf(Problem problem, MctsNode root)
    {
        HashSet<MctsNode> rewarded = RewardedNodes(root);
        foreach (MctsNode n in root.All().Where(n => n.Action == MctsAction.Query && rewarded.Contains(n)))
        {
            List<MctsNode> before = n.Parent!.PathFromRoot();
            int step = 0;
            string cot = string.Join("\n", before.Where(p => p.Action == MctsAction.Thought).Select(p => $"Step {++step}: {p.Text}"));
            yield return new JsonObject
            {
                ["query_id"] = $"{problem.Id}#{n.Id}",
                ["problem_id"] = problem.Id,
                ["theorem"] = problem.Theorem,
                ["query"] = n.Text,
                ["cot"] = cot,
                ["question"] = problem.Text,
                ["positives"] = new JsonArray([.. n.Documents.Where(d => d.Label == Relevance.Relevant).Select(d => (JsonNode)d.DocId)]),
                ["negatives"] = new JsonArray([.. n.Documents.Where(d => d.Label == Relevance.Irrelevant).Select(d => (JsonNode)d.DocId)]),
            };
        }
    }

    /// <summary>Writes the three JSONL files (atomically) for <paramref name="done"/>, in problem order.</summary>
    /// <returns>(pairs, positives, negatives) written.</returns>
    public static (int Pairs, int Positives, int Negatives) Write(string directory, IReadOnlyList<(Problem Problem, MctsNode Root)> done, IDocumentRetriever retriever)
    {
        Directory.CreateDirectory(directory);
        Jsonl.Write(Path.Combine(directory, Trees), done.Select(d => Tree(d.Problem, d.Root)));
        List<JsonObject> pairs = [.. done.SelectMany(d => PairsOf(d.Problem, d.Root))];
        Jsonl.Write(Path.Combine(directory, Pairs), pairs);
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach ((_, MctsNode root) in done)
        {
            foreach (MctsNode n in root.All())
            {
                ids.UnionWith(n.Documents.Select(d => d.DocId));
            }
        }

        Jsonl.Write(Path.Combine(directory, Documents), ids.Select(id => new JsonObject { ["docid"] = id, ["text"] = retriever.TextOf(id) }));
        return (pairs.Count, pairs.Sum(p => p["positives"]!.AsArray().Count), pairs.Sum(p => p["negatives"]!.AsArray().Count));
    }
}
