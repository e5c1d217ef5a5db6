using Lodestar.Model;
using Lodestar.Synthesis.Answers;
using Lodestar.Synthesis.Data;

namespace Lodestar.Synthesis.Mcts;

/// <summary>
/// Retrieval-augmented Monte Carlo tree search over one problem, after rStar as RaDeR configures it: one-step thoughts
/// (two children), a query with retrieval and self-reflection (one child), and completing the remaining steps (one
/// terminal child); UCT selection; reward 1 for a final answer equal to the gold, backed up along the path.
/// </summary>
/// <remarks>
/// A rollout walks from the root: at an unexpanded node it expands it (all its children, their calls in parallel),
/// then moves to the first unvisited child in creation order, or else to the child of highest
/// UCT = Q + c·sqrt(ln N(parent) / N(child)) (ties: the first), until a terminal node; that node's reward is added
/// to every node of the path. Pruned children (queries with no relevant document) are never selected; a node left
/// with none is a dead end worth 0. Every call's seed comes from the problem id, the node's path and the action,
/// and all calls go through the judgment store, so given the stored answers the tree is always the same.
/// </remarks>
public sealed class MctsSearch(SynthChat chat, IDocumentRetriever retriever, MctsOptions options, AnswerJudge? judge = null)
{
    /// <summary>Rollouts finished by this instance over all problems.</summary>
    public long Rollouts => Interlocked.Read(ref _rollouts);

    private long _rollouts;

    /// <summary>Searches <paramref name="problem"/> for <see cref="MctsOptions.Rollouts"/> rollouts; returns the root.</summary>
    /// <exception cref="BudgetExhaustedException">The token budget ran out; the problem is unfinished.</exception>
    public async Task<MctsNode> SearchAsync(Problem problem, CancellationToken ct)
    {
        var root = new MctsNode(null, 0, MctsAction.Root, problem.Text);
        for (int r = 0; r < options.Rollouts; r++)
        {
            MctsNode node = root;
            while (!node.Terminal)
            {
                if (!node.Expanded)
                {
                    await ExpandAsync(problem, node, ct).ConfigureAwait(false);
                }

                List<MctsNode> open = [.. node.Children.Where(c => !c.Pruned)];
                if (open.Count == 0)
                {
                    node.Terminal = true;
                    break;
                }

                node = Select(node, open, options.Exploration);
            }

            BackUp(node, node.Reward);
            Interlocked.Increment(ref _rollouts);
        }

        return root;
    }

    /// <summary>The first unvisited child, else the child of highest UCT (ties: the first).</summary>
    public static MctsNode Select(MctsNode parent, IReadOnlyList<MctsNode> children, double c)
    {
        MctsNode? best = null;
        double bestValue = double.NegativeInfinity;
        foreach (MctsNode child in children)
        {
            if (child.Visits == 0)
            {
                return child;
            }

            double value = Uct(parent, child, c);
            if (value > bestValue)
            {
                best = child;
                bestValue = value;
            }
        }

        return best!;
    }

    /// <summary>UCT = Q(child) + c·sqrt(ln N(parent) / N(child)) (Kocsis and Szepesvári, 2006), for a visited child.</summary>
    public static double Uct(MctsNode parent, MctsNode child, double c) =>
        child.Q + c * Math.Sqrt(Math.Log(Math.Max(parent.Visits, 1)) / child.Visits);

    /// <summary>Adds <paramref name="reward"/> and one visit to <paramref name="leaf"/> and its ancestors.</summary>
    public static void BackUp(MctsNode leaf, double reward)
    {
        for (MctsNode? n = leaf; n is not null; n = n.Parent)
        {
            n.Visits++;
            n.ValueSum += reward;
        }
    }

    private async Task ExpandAsync(Problem problem, MctsNode node, CancellationToken ct)
    {
        List<MctsNode> path = node.PathFromRoot();
        string context = MctsPrompts.Context(problem.Text, path, retriever.TextOf, options.DocumentChars);
        bool onlyComplete = node.Depth >= options.MaxDepth - 1;
        Task<IReadOnlyList<string>>? thoughts = onlyComplete ? null
            : chat.AskAsync("synth:thought", MctsPrompts.Messages(context, MctsPrompts.ThoughtInstruction), Seed(problem, node, "thought"), options.ThoughtChildren, ct);
        Task<(string Query, List<RetrievedDocument> Docs)?>? query = onlyComplete || node.Action == MctsAction.Query ? null : QueryAsync(problem, node, context, ct);
        Task<IReadOnlyList<string>> complete = chat.AskAsync("synth:complete", MctsPrompts.Messages(context, MctsPrompts.CompleteInstruction),
            Seed(problem, node, "complete"), 1, ct);
        await Task.WhenAll(new Task?[] { thoughts, query, complete }.OfType<Task>()).ConfigureAwait(false);

        foreach (string text in thoughts is null ? [] : await thoughts.ConfigureAwait(false))
        {
            string? step = MctsPrompts.ParseThought(text);
            if (step is null)
            {
                chat.CountUnparseable("empty_step");
                continue;
            }

            var child = new MctsNode(node, node.Children.Count, MctsAction.Thought, step);
            node.Children.Add(child);
            if (MctsPrompts.ParseBoxed(step) is string answer)
            {
                await FinishAsync(problem, child, answer, ct).ConfigureAwait(false);
            }
            else if (child.Depth >= options.MaxDepth)
            {
                child.Terminal = true;
            }
        }

        if (query is not null && await query.ConfigureAwait(false) is var (q, docs))
        {
            var child = new MctsNode(node, node.Children.Count, MctsAction.Query, q);
            child.Documents.AddRange(docs);
            child.Pruned = !docs.Any(d => d.Label == Relevance.Relevant);
            node.Children.Add(child);
        }

        string solution = (await complete.ConfigureAwait(false))[0];
        var done = new MctsNode(node, node.Children.Count, MctsAction.Complete, solution);
        node.Children.Add(done);
        if (MctsPrompts.ParseBoxed(solution) is string boxed)
        {
            await FinishAsync(problem, done, boxed, ct).ConfigureAwait(false);
        }
        else
        {
            chat.CountUnparseable("no_box");
            done.Terminal = true;
        }

        node.Expanded = true;
    }

    private async Task<(string, List<RetrievedDocument>)?> QueryAsync(Problem problem, MctsNode node, string context, CancellationToken ct)
    {
        string text = (await chat.AskAsync("synth:query", MctsPrompts.Messages(context, MctsPrompts.QueryInstruction), Seed(problem, node, "query"), 1, ct)
            .ConfigureAwait(false))[0];
        if (MctsPrompts.ParseQuery(text) is not string query)
        {
            chat.CountUnparseable("no_query");
            return null;
        }

        IReadOnlyList<Hit> hits = await retriever.RetrieveAsync(query, options.RetrieveTop, ct).ConfigureAwait(false);
        string[] answers = await Task.WhenAll(hits.Select(async h => (await chat.AskAsync("synth:reflect",
            MctsPrompts.ReflectMessages(context, query, h.DocId, retriever.TextOf(h.DocId) ?? "", options.DocumentChars),
            Seed(problem, node, "reflect", h.DocId), 1, ct).ConfigureAwait(false))[0])).ConfigureAwait(false);
        var docs = new List<RetrievedDocument>(hits.Count);
        for (int i = 0; i < hits.Count; i++)
        {
            (bool Relevant, string Reason)? label = MctsPrompts.ParseReflection(answers[i]);
            if (label is null)
            {
                chat.CountUnparseable("no_label");
            }

            docs.Add(new RetrievedDocument(hits[i].DocId, i + 1, hits[i].Score,
                label is null ? Relevance.Unlabelled : label.Value.Relevant ? Relevance.Relevant : Relevance.Irrelevant, label?.Reason ?? ""));
        }

        return (query, docs);
    }

    private async Task FinishAsync(Problem problem, MctsNode node, string answer, CancellationToken ct)
    {
        AnswerDecision decision = AnswerChecker.Check(answer, problem.Answer, problem.Type, options.FloatTolerance);
        if (judge is not null)
        {
            decision = await judge.CheckAsync(problem.Text, answer, problem.Answer, decision, ct).ConfigureAwait(false);
        }

        node.Terminal = true;
        node.Answer = answer;
        node.Correct = decision.Equal;
        node.Rule = decision.Rule;
    }

    private long Seed(Problem problem, MctsNode node, params string[] action) =>
        SynthChat.SeedOf(chat.Sampling.Seed, [problem.Id, node.Id, .. action]);
}
