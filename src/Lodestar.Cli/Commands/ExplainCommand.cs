using System.CommandLine;
using System.Globalization;
using Lodestar.Errors;
using Lodestar.Index;
using Lodestar.Search;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar explain INDEX --query TEXT --doc ID</c>: the per-term breakdown of one score.</summary>
internal static class ExplainCommand
{
    public static Command Create(CliContext context)
    {
        var index = new Argument<string>("index") { Description = "Index directory." };
        var query = new Option<string>("--query") { Description = "Query text.", Required = true };
        var doc = new Option<string>("--doc") { Description = "Document id.", Required = true };
        var bm25 = new Bm25Options();
        var command = new Command("explain", "Show how one document's BM25 score is made, term by term.") { index, query, doc };
        bm25.AddTo(command);
        command.SetAction(parse =>
        {
            using IndexReader reader = IndexReader.Open(parse.GetValue(index)!);
            var searcher = new Searcher(reader, bm25.Read(parse));
            if (!reader.TryGetDoc(parse.GetValue(doc)!, out _))
            {
                throw new InputException(new SourcePosition(parse.GetValue(index)!, 0, 0),
                    $"expected the id of a document in the index, found {Quote(parse.GetValue(doc)!)}, which it does not hold");
            }

            Explanation e = searcher.Explain(parse.GetValue(query)!, parse.GetValue(doc)!);
            TextWriter o = context.Out;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"doc {e.DocId}  |d|={e.DocLength}  N={searcher.Scorer.N}  avgdl={searcher.Scorer.AvgDocLength:G9}  score={e.Score:G9}"));
            o.WriteLine($"{"term",-20} {"qtf",4} {"df",8} {"idf",10} {"tf",4} {"w(t,q)",10} {"contribution",12}");
            foreach (TermExplanation t in e.Terms)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Term,-20} {t.QueryTf,4} {t.Df,8} {t.Idf,10:F6} {t.Tf,4} {t.QueryWeight,10:F6} {t.Contribution,12:F6}"));
            }

            if (e.DroppedTerms.Count > 0)
            {
                o.WriteLine($"not in the index (dropped): {string.Join(' ', e.DroppedTerms)}");
            }

            return 0;
        });
        return command;
    }

    private static string Quote(string id) => $"'{(id.Length <= 80 ? id : id[..77] + "...")}'";
}
