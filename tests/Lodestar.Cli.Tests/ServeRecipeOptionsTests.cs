namespace Lodestar.Cli.Tests;

/// <summary><c>serve --recipe/--beir/--data</c>: recipes are read and datasets named at start-up, so a mistake stops
/// the server before it listens, with the usual exit codes.</summary>
public sealed class ServeRecipeOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lodestar-serve-recipe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, new CliContext(o, e, false, new StringReader("")));
        return (code, e.ToString());
    }

    [Fact]
    public void A_dataset_without_a_recipe_and_a_recipe_without_a_dataset_are_usage_errors()
    {
        string recipe = Path.Combine(_dir, "r.yaml");
        File.WriteAllText(recipe, "name: r\nretrievers:\n  - name: bm25\n    kind: bm25\n");
        var noRecipe = Run("serve", "--index", _dir, "--beir", _dir, "--port", "0");
        Assert.Equal(2, noRecipe.Code);
        Assert.Contains("--beir and --data name datasets for recipe jobs: give --recipe too", noRecipe.Err);
        var noData = Run("serve", "--index", _dir, "--recipe", recipe, "--port", "0");
        Assert.Equal(2, noData.Code);
        Assert.Contains("--recipe needs a dataset for its jobs: --beir DIR or --data DIR", noData.Err);
        var twice = Run("serve", "--index", _dir, "--recipe", recipe, "--recipe", recipe, "--beir", _dir, "--port", "0");
        Assert.Equal(2, twice.Code);
        Assert.Contains("two recipes or two datasets are named 'r': give PATH=NAME", twice.Err);
    }

    [Fact]
    public void A_bad_recipe_stops_serve_with_its_line_and_column()
    {
        string recipe = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(recipe, "name: bad\nretrievers:\n  - name: bm25\n    kind: bm25\n    colour: red\n");
        var r = Run("serve", "--index", _dir, "--recipe", recipe, "--beir", _dir, "--port", "0");
        Assert.Equal(1, r.Code);
        Assert.Contains($"{recipe}:5:5: expected one of the keys", r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }
}
