using System.CommandLine;
using System.Text.Json;
using Lodestar.Analysis;
using Lodestar.Formats;
using Lodestar.Model;

namespace Lodestar.Cli.Commands;

/// <summary>
/// <c>lodestar analyze [TEXT | -]</c> prints the terms of a text, one per line; with <c>--corpus</c> or
/// <c>--topics</c> it writes a pre-analyzed JSONL file (<c>{"id", "tokens"}</c>) that any other system can index.
/// </summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var text = new Argument<string>("text") { Description = "Text to analyze, or - to read standard input.", DefaultValueFactory = _ => "-" };
        var analyzer = new Option<string>("--analyzer") { Description = "english or pretokenized.", DefaultValueFactory = _ => "english" };
        analyzer.AcceptOnlyFromAmong("english", "pretokenized");
        var corpus = new Option<string?>("--corpus") { Description = "Analyze every document of a corpus into {\"id\",\"tokens\",\"content\"} JSONL." };
        var topics = new Option<string?>("--topics") { Description = "Analyze every topic into {\"id\",\"tokens\"} JSONL." };
        var output = new Option<string?>("--output", "-o") { Description = "Where --corpus or --topics output goes." };
        var command = new Command("analyze", "Print the terms of a text, one per line, or pre-analyze a corpus or topic file.") { text, analyzer, corpus, topics, output };
        command.SetAction(parse =>
        {
            Analyzer a = Analyzer.Create(parse.GetValue(analyzer)!);
            string? corpusPath = parse.GetValue(corpus);
            string? topicsPath = parse.GetValue(topics);
            if (corpusPath is not null || topicsPath is not null)
            {
                string outPath = parse.GetValue(output) ?? throw new ArgumentException("--output is required with --corpus or --topics");
                IEnumerable<(string Id, string Text)> items = corpusPath is not null
                    ? CorpusReader.Read(corpusPath).Select(x => (x.Document.Id, x.Document.Text))
                    : TopicReader.Read(topicsPath!).Select(t => (t.Id, t.Text));
                AtomicFile.Write(outPath, stream =>
                {
                    foreach ((string id, string body) in items)
                    {
                        using var json = new Utf8JsonWriter(stream);
                        json.WriteStartObject();
                        json.WriteString("id", id);
                        json.WriteStartArray("tokens");
                        a.Analyze(body.AsSpan(), term => json.WriteStringValue(term));
                        json.WriteEndArray();
                        if (corpusPath is not null)
                        {
                            json.WriteString("content", body);
                        }

                        json.WriteEndObject();
                        json.Flush();
                        stream.WriteByte((byte)'\n');
                    }
                });
                return 0;
            }

            string input = parse.GetValue(text)!;
            if (input == "-")
            {
                input = context.In.ReadToEnd();
            }

            foreach (string term in a.Analyze(input))
            {
                context.Out.WriteLine(term);
            }

            return 0;
        });
        return command;
    }
}
