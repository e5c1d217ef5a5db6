using System.CommandLine;
using Lodestar.Cli.Options;
using Lodestar.Index;
using Lodestar.Synthesis;
using Lodestar.Synthesis.Answers;
using Lodestar.Synthesis.Data;
using Lodestar.Synthesis.Mcts;

namespace Lodestar.Cli.Commands;

/// <summary><c>lodestar synth</c>: RaDeR-style training data (MCTS, answers, queries, negatives, export, report).</summary>
internal static class SynthCommand
{
    public static Command Create(CliContext context) => new("synth", "Make training data for reasoning retrievers: retrieval-augmented MCTS over problems (RaDeR), query kinds, hard negatives, Tevatron export. See docs/synthesis.md.")
    {
        Mcts(context),
        Answers(context),
        SynthDataCommands.Queries(context),
        SynthDataCommands.Negatives(context),
        SynthDataCommands.Export(context),
        SynthDataCommands.Doc2Query(context),
        SynthDataCommands.Report(context),
    };

    private static Command Answers(CliContext context)
    {
        var input = new Option<string>("--input") { Description = "JSONL of {solution, answer, answer_type?} (problem optional).", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "JSONL with extracted, extraction, equal, type and rule added.", Required = true };
        var tolerance = new Option<double>("--float-tolerance") { Description = "Relative tolerance of float answers (TheoremQA: 0.04).", DefaultValueFactory = _ => AnswerChecker.DefaultFloatTolerance }.Range(0.0, 1e6);
        var judge = new Option<bool>("--judge-equivalence") { Description = "Ask the model (--endpoint/--gguf) whether a rule-unequal answer is equivalent." };
        var model = new SynthModelOptions();
        var command = new Command("answers", "Extract each solution's final answer (\\boxed{}, \"the answer is\", else the last number) and check it against the gold by type.")
        {
            input, output, tolerance, judge,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            string outPath = parse.GetValue(output)!;
            AnswerJudge? j = null;
            IDisposable? client = null, store = null;
            if (parse.GetValue(judge))
            {
                (var c, var s, SynthChat chat) = model.Open(parse, context, outPath + ".judgments.db");
                (client, store, j) = (c, s, new AnswerJudge(chat));
            }

            try
            {
                AnswerFile.Summary s = AnswerFile.RunAsync(parse.GetValue(input)!, outPath, parse.GetValue(tolerance), j, CancellationToken.None).GetAwaiter().GetResult();
                context.Error.WriteLine($"answers: {s.Records} records, {s.Equal} equal, {s.NoAnswer} without an answer" + (j is null ? "" : $", {s.JudgeOverruled} made equal by the judge"));
                context.Error.WriteLine($"wrote {outPath}");
                return 0;
            }
            finally
            {
                store?.Dispose();
                client?.Dispose();
            }
        });
        return command;
    }

    private static Command Mcts(CliContext context)
    {
        var problems = new Option<string>("--problems") { Description = "Problems JSONL: id, problem, answer (answer_type, solution, theorem optional).", Required = true };
        var index = new Option<string>("--index") { Description = "Lodestar index of the documents (theorems) to retrieve from.", Required = true };
        var retrieverName = new Option<string>("--retriever") { Description = "bm25, dense or hybrid (RRF of both); dense and hybrid need --embed-endpoint URL --embed-model NAME or --embed-gguf MODEL.", DefaultValueFactory = _ => "bm25" };
        var rollouts = new Option<int>("--rollouts") { Description = "Rollouts per problem.", DefaultValueFactory = _ => 16 }.Range(1, 1_000_000_000);
        var depth = new Option<int>("--max-depth") { Description = "Deepest node.", DefaultValueFactory = _ => 6 }.Range(1, 1_000_000_000);
        var exploration = new Option<double>("--exploration") { Description = "UCT exploration constant c.", DefaultValueFactory = _ => 2 }.Range(0.0, 1e6);
        var thoughts = new Option<int>("--thought-children") { Description = "Children of a one-step-thought expansion.", DefaultValueFactory = _ => 2 }.Range(1, 1_000_000_000);
        var top = new Option<int>("--top") { Description = "Documents retrieved per query.", DefaultValueFactory = _ => 5 }.Range(1, 1_000_000_000);
        var docChars = new Option<int>("--document-chars") { Description = "Characters of a document shown to the model.", DefaultValueFactory = _ => 2000 }.Range(1, 1_000_000_000);
        var tolerance = new Option<double>("--float-tolerance") { Description = "Relative tolerance of float answers.", DefaultValueFactory = _ => AnswerChecker.DefaultFloatTolerance }.Range(0.0, 1e6);
        var judge = new Option<bool>("--judge-equivalence") { Description = "Ask the model whether a rule-unequal final answer is equivalent." };
        var parallel = new Option<int>("--parallel") { Description = "Problems searched at once.", DefaultValueFactory = _ => 8 }.Range(1, 1_000_000_000);
        var limit = new Option<int>("--limit") { Description = "Only the first N problems; 0 = all.", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var every = new Option<double>("--progress-seconds") { Description = "Seconds between progress lines.", DefaultValueFactory = _ => 5 }.Range(0.01, 1e6);
        var output = new Option<string>("--output", "-o") { Description = "Output folder: trees.jsonl, pairs.jsonl, documents.jsonl, summary.json, synth.db.", Required = true };
        var model = new SynthModelOptions();
        var dense = new SynthDenseOptions(model);
        var command = new Command("mcts", "Solve problems with retrieval-augmented MCTS (rStar as RaDeR configures it) and keep (query, positive, hard negatives) from correct paths; resumable.")
        {
            problems, index, retrieverName, rollouts, depth, exploration, thoughts, top, docChars, tolerance, judge, parallel, limit, every, output,
        };
        model.AddTo(command);
        dense.AddTo(command);
        command.SetAction(parse =>
        {
            string mode = parse.GetValue(retrieverName)!;
            if (mode is not ("bm25" or "dense" or "hybrid"))
            {
                throw new ArgumentException($"unknown --retriever '{mode}', expected bm25, dense or hybrid");
            }

            string outDir = parse.GetValue(output)!;
            List<Problem> list = Problem.Read(parse.GetValue(problems)!);
            if (parse.GetValue(limit) > 0)
            {
                list = [.. list.Take(parse.GetValue(limit))];
            }

            using IndexReader reader = IndexReader.Open(parse.GetValue(index)!);
            IDocumentRetriever retriever = new Bm25DocumentRetriever(reader);
            if (mode != "bm25" && !dense.Given(parse))
            {
                throw new ArgumentException($"--retriever {mode} needs --embed-endpoint URL --embed-model NAME or --embed-gguf MODEL");
            }

            using SynthDenseOptions.Opened? vectors = mode == "bm25" ? null : dense.Open(parse, context, parse.GetValue(index)!, retriever, mode == "hybrid");
            retriever = vectors?.Retriever ?? retriever;
            (var client, var store, SynthChat chat) = model.Open(parse, context, Path.Combine(outDir, "synth.db"));
            using (client)
            using (store)
            {
                var options = new MctsOptions
                {
                    Rollouts = parse.GetValue(rollouts),
                    MaxDepth = parse.GetValue(depth),
                    Exploration = parse.GetValue(exploration),
                    ThoughtChildren = parse.GetValue(thoughts),
                    RetrieveTop = parse.GetValue(top),
                    DocumentChars = parse.GetValue(docChars),
                    FloatTolerance = parse.GetValue(tolerance),
                    JudgeEquivalence = parse.GetValue(judge),
                    Parallel = parse.GetValue(parallel),
                };
                MctsRunSummary s = MctsRunner.RunAsync(list, chat, retriever, options, outDir, line => context.Error.WriteLine(line),
                    TimeSpan.FromSeconds(Math.Max(0.05, parse.GetValue(every))), CancellationToken.None).GetAwaiter().GetResult();
                context.Error.WriteLine($"wrote {outDir}");
                return s.Problems > 0 && s.Failed == s.Problems ? 1 : 0;
            }
        });
        return command;
    }
}
