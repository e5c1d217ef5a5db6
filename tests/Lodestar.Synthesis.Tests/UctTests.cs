using Lodestar.Synthesis.Mcts;

namespace Lodestar.Synthesis.Tests;

/// <summary>Selection and back-up on hand-built trees.</summary>
public sealed class UctTests
{
    [Fact]
    public void Select_UnvisitedFirst_ThenHighestUct()
    {
        var root = new MctsNode(null, 0, MctsAction.Root, "p");
        var a = new MctsNode(root, 0, MctsAction.Thought, "a");
        var b = new MctsNode(root, 1, MctsAction.Thought, "b");
        root.Children.AddRange([a, b]);
        Assert.Same(a, MctsSearch.Select(root, root.Children, 2));
        MctsSearch.BackUp(a, 0);
        Assert.Same(b, MctsSearch.Select(root, root.Children, 2));
        MctsSearch.BackUp(b, 1);
        // N(root) = 2: a = 0 + 2·sqrt(ln 2 / 1) = 1.6651, b = 1 + 1.6651.
        Assert.Equal(1.665109, MctsSearch.Uct(root, a, 2), 6);
        Assert.Equal(2.665109, MctsSearch.Uct(root, b, 2), 6);
        Assert.Same(b, MctsSearch.Select(root, root.Children, 2));
        MctsSearch.BackUp(b, 1);
        MctsSearch.BackUp(b, 1);
        // N(root) = 4, N(b) = 3, Q(b) = 1: a = 2·sqrt(ln 4) = 2.3548 < b = 1 + 2·sqrt(ln 4 / 3) = 2.3595.
        Assert.Same(b, MctsSearch.Select(root, root.Children, 2));
        MctsSearch.BackUp(b, 0);
        // N(root) = 5, Q(b) = 0.75: a = 2.5372 > b = 0.75 + 2·sqrt(ln 5 / 4) = 2.0186.
        Assert.Same(a, MctsSearch.Select(root, root.Children, 2));
        // With c = 0 only Q counts.
        Assert.Same(b, MctsSearch.Select(root, root.Children, 0));
    }

    [Fact]
    public void BackUp_AddsVisitAndRewardAlongThePath()
    {
        var root = new MctsNode(null, 0, MctsAction.Root, "p");
        var a = new MctsNode(root, 0, MctsAction.Query, "q");
        var leaf = new MctsNode(a, 0, MctsAction.Complete, "s") { Terminal = true, Correct = true };
        MctsSearch.BackUp(leaf, leaf.Reward);
        MctsSearch.BackUp(a, 0);
        Assert.Equal("0.0.0", leaf.Id);
        Assert.Equal((2, 1.0, 0.5), (root.Visits, root.ValueSum, root.Q));
        Assert.Equal((2, 0.5), (a.Visits, a.Q));
        Assert.Equal((1, 1.0), (leaf.Visits, leaf.Q));
    }

    [Theory]
    [InlineData("Step 2: take the square root", "take the square root")]
    [InlineData("**Step:** add", "add")]
    [InlineData("   ", null)]
    public void ParseThought(string answer, string? step) => Assert.Equal(step, MctsPrompts.ParseThought(answer));

    [Theory]
    [InlineData("Sure.\nQuery: \"law of cosines\"", "law of cosines")]
    [InlineData("**Query**: spectral theorem", "spectral theorem")]
    [InlineData("law of cosines", null)]
    public void ParseQuery(string answer, string? query) => Assert.Equal(query, MctsPrompts.ParseQuery(answer));

    [Fact]
    public void ParseReflection_LabelAndReason_OrNothing()
    {
        Assert.Equal((true, "it states the identity."), MctsPrompts.ParseReflection("Relevant: Yes\nReason: it states the identity."));
        Assert.Equal((false, ""), MctsPrompts.ParseReflection("**Relevant:** no"));
        Assert.Null(MctsPrompts.ParseReflection("I think this document is quite relevant."));
    }
}
