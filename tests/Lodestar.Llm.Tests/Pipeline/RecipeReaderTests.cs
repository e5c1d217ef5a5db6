using Lodestar.Errors;
using Lodestar.Fusion;
using Lodestar.Pipeline.Recipes;

namespace Lodestar.Llm.Tests.Pipeline;

/// <summary>Recipe files: the shipped ones read as documented (structure and cost), bad ones fail at path:line:col.</summary>
public sealed class RecipeReaderTests
{
    private static Recipe Shipped(string name) => RecipeReader.Read(Path.Combine(Repo.Root, "recipes", name + ".yaml"));

    [Fact]
    public void Shipped_recipes_have_the_documented_structure_and_cost_per_topic()
    {
        Recipe bge = Shipped("bge-reasoner");
        Assert.Equal("bge-reasoner", bge.Name);
        Assert.Equal(["rw.1", "rw.2", "rw.3", "rw.4", "rw.5"], bge.Rewrites.Single().Outputs);
        Assert.Equal(10, bge.Retrievers.Count);
        Assert.Equal(5, bge.Retrievers.Count(r => r.Kind == "dense"));
        Assert.Equal([("embed", 0.75), ("bm25", 0.25)], bge.Fusions.Single(f => f.Name == "hybrid").Runs);
        Assert.Equal(6, bge.Reranks.Count);
        Assert.Equal(FusionMethod.Rrf, bge.Final!.Method);
        Assert.Equal(10, bge.Final.Top);
        Assert.Equal(7, bge.Final.Runs.Count);
        Assert.Equal((601, 605), bge.Cost());

        Recipe retro = Shipped("retro-star");
        Assert.Equal([(100, 1), (30, 16)], retro.Reranks.Single().Cascade);
        Assert.Equal((130, 580), retro.Cost());
        Assert.Equal("retro-star", retro.LastRun);

        Recipe reason = Shipped("bright-reason-bm25");
        Assert.Equal((1, 1), reason.Cost());
        Assert.Null(reason.Rewrites.Single().Model);
        Assert.Equal("bm25-reason", reason.LastRun);
        Assert.Equal(64, reason.Sha256.Length);
    }

    [Fact]
    public void Listwise_and_setwise_costs_follow_their_windows_and_heap()
    {
        Recipe r = RecipeReader.Parse("r.yaml", """
            retrievers: [{name: b, kind: bm25}]
            reranks:
              - {name: l, method: listwise, run: b, top: 100, window: 20, stride: 10, passes: 2}
              - {name: s, method: setwise, run: l, top: 100, k: 10, children: 3}
            """);
        Assert.Equal((18, 18), r.Reranks[0].Cost()); // 2 passes x 9 windows
        Assert.Equal((74, 74), r.Reranks[1].Cost());  // 34 inner nodes to build the heap, 10 pops x 4 levels
    }

    [Theory]
    [InlineData("retrievers: [{name: b, kind: bm25}\n", "r.yaml:2:1: expected valid YAML, found ")]
    [InlineData("retrievers:\n  - name: b\n    kind: bm25\n    colour: red\n", "r.yaml:4:5: expected one of the keys name, kind, queries, k, model, endpoint, profile, found 'colour'")]
    [InlineData("retriever:\n  - name: b\n", "r.yaml:1:1: expected one of the keys name, description, rewrites, retrievers, fusions, reranks, final, found 'retriever'")]
    [InlineData("retrievers:\n  - name: b\n    kind: splade\n", "r.yaml:3:11: expected kind bm25, dense, found 'splade'")]
    [InlineData("retrievers:\n  - {name: b, kind: bm25, queries: reason}\n", "r.yaml:2:36: expected original or the name of a rewrite defined above (original), found 'reason'")]
    [InlineData("retrievers:\n  - {name: b, kind: bm25}\n  - {name: b, kind: bm25}\n", "r.yaml:3:12: expected a name not used before, found 'b'")]
    [InlineData("retrievers:\n  - {name: b, kind: bm25}\nreranks:\n  - {name: r, method: retro-star, run: dense}\n", "r.yaml:4:40: expected a run defined above (b), found 'dense'")]
    [InlineData("retrievers:\n  - {name: b, kind: bm25}\nfusions:\n  - {name: f, method: rrf, norm: zscore, runs: [b]}\n", "r.yaml:4:34: expected no norm for method rrf (norms apply to the Comb methods and weightedsum), found 'zscore'")]
    [InlineData("retrievers:\n  - {name: b, kind: bm25}\nreranks:\n  - {name: r, method: retro-star, run: b, cascade: 100@0}\n", "r.yaml:4:52: expected TOP@K stages such as 100@1,30@16, found '100@0'")]
    [InlineData("retrievers:\n  - {name: b, kind: bm25}\nreranks:\n  - {name: r, method: retro-star, run: b, window: 20}\n", "r.yaml:4:43: expected the settings of retro-star (cascade), found 'window'")]
    [InlineData("rewrites:\n  - {name: q, method: multi:99}\nretrievers:\n  - {name: b, kind: bm25}\n", "r.yaml:2:23: expected bright-reason, hyde, query2doc or multi:N (N from 1 to 64), found 'multi:99'")]
    [InlineData("rewrites: []\n", "r.yaml:1:1: expected at least one retriever (retrievers: - name: bm25 …), found a mapping")]
    [InlineData("", "r.yaml:1:1: expected a recipe (a mapping with retrievers: and more), found an empty file")]
    [InlineData("retrievers:\n  - {name: d, kind: dense}\n", "r.yaml:2:5: expected model: (the embedding model) for a dense retriever, found none")]
    public void A_bad_recipe_is_an_error_at_its_line_and_column(string text, string message)
    {
        InputException e = Assert.Throws<InputException>(() => RecipeReader.Parse("r.yaml", text));
        Assert.StartsWith(message, e.Message);
    }
}
