using System.CommandLine;
using System.Globalization;
using Lodestar.Formats;
using Lodestar.Tokenizers;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar tokens TOPICS... --tokenizer SPEC...</c>: counts the tokens of every topic with each tokenizer and,
/// with more than one, how far each is from the first (the reference), as a Markdown table on standard output.
/// </summary>
internal static class TokensCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("topics") { Description = "Topic files (BRIGHT examples, BEIR queries, TREC TSV; .gz too).", Arity = ArgumentArity.OneOrMore };
        var tokenizers = new Option<string[]>("--tokenizer", "-t")
        {
            Description = "chars, cl100k, o200k, model:NAME, FILE.gguf or FILE.model; repeat to compare (the first is the reference).",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var llamaLib = new Option<string?>("--llama-lib") { Description = "Folder with libllama/libggml, for a .gguf tokenizer." };
        var command = new Command("tokens", "Count the tokens of topics with local tokenizers and compare them with a reference.") { files, tokenizers, llamaLib };
        command.SetAction(parse =>
        {
            List<string> texts = [.. parse.GetValue(files)!.SelectMany(f => TopicReader.Read(f).Select(t => t.Text))];
            var counters = new List<LocalTokenCounter>();
            try
            {
                foreach (string spec in parse.GetValue(tokenizers)!)
                {
                    counters.Add(LocalTokenCounter.Open(spec, parse.GetValue(llamaLib)));
                }

                List<int[]> counts = [.. counters.Select(c => texts.Select(c.Count).ToArray())];
                context.Out.WriteLine(Table(texts.Count, counters, counts));
            }
            finally
            {
                counters.ForEach(c => c.Dispose());
            }

            return 0;
        });
        return command;
    }

    /// <summary>The Markdown table: one row per tokenizer, errors relative to the first.</summary>
    internal static string Table(int texts, IReadOnlyList<LocalTokenCounter> counters, IReadOnlyList<int[]> counts)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        string reference = counters[0].Name;
        w.WriteLine($"{texts} texts; reference: {reference}");
        w.WriteLine();
        w.WriteLine("| tokenizer | tokens | total / reference | mean error (signed) | mean abs. error | median abs. error | p95 abs. error | max abs. error | within 10% |");
        w.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < counters.Count; i++)
        {
            TokenCountError e = TokenCountError.Of(counters[i].Name, reference, counts[i], counts[0]);
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {counters[i].Name} | {counts[i].Sum(x => (long)x):N0} | {e.TotalRatio:F3} | {e.MeanSigned:+0.0%;-0.0%;0.0%} | {e.MeanAbsolute:0.0%} | {e.MedianAbsolute:0.0%} | {e.P95Absolute:0.0%} | {e.MaxAbsolute:0.0%} | {e.Within10Percent:0.0%} |"));
        }

        return w.ToString().TrimEnd();
    }
}
