using System.CommandLine;
using Lodestar.Analysis;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar analyze [TEXT | -]</c>: prints the terms of a text, one per line.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var text = new Argument<string>("text") { Description = "Text to analyze, or - to read standard input.", DefaultValueFactory = _ => "-" };
        var analyzer = new Option<string>("--analyzer") { Description = "english or pretokenized.", DefaultValueFactory = _ => "english" };
        analyzer.AcceptOnlyFromAmong("english", "pretokenized");
        var command = new Command("analyze", "Print the terms of a text, one per line.") { text, analyzer };
        command.SetAction(parse =>
        {
            string input = parse.GetValue(text)!;
            if (input == "-")
            {
                input = context.In.ReadToEnd();
            }

            foreach (string term in Analyzer.Create(parse.GetValue(analyzer)!).Analyze(input))
            {
                context.Out.WriteLine(term);
            }

            return 0;
        });
        return command;
    }
}
