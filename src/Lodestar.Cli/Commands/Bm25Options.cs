using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Search;

namespace Lodestar.Cli.Commands;

/// <summary>The BM25 options shared by <c>search</c> and <c>explain</c>.</summary>
internal sealed class Bm25Options
{
    public Option<Bm25Mode> Mode { get; } = new("--bm25") { Description = "bright (query-side BM25, gensim LuceneBM25Model) or lucene (Anserini).", DefaultValueFactory = _ => Bm25Mode.Bright };

    public Option<double> K1 { get; } = new Option<double>("--k1") { Description = "BM25 k1.", DefaultValueFactory = _ => 0.9 }.Range(0, 1000);

    public Option<double> B { get; } = new Option<double>("--b") { Description = "BM25 b.", DefaultValueFactory = _ => 0.4 }.Range(0, 1);

    public void AddTo(Command command)
    {
        command.Options.Add(Mode);
        command.Options.Add(K1);
        command.Options.Add(B);
    }

    public Bm25Parameters Read(ParseResult parse) => new(parse.GetValue(Mode), parse.GetValue(K1), parse.GetValue(B));
}
