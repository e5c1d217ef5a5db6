using System.CommandLine;
using Lodestar.Cli.Commands;
using Lodestar.Errors;

namespace Lodestar.Cli;

/// <summary>Builds the command tree and maps failures to exit codes: 0 ok, 1 bad input or failed check, 2 usage.</summary>
public static class Cli
{
    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    public static int Run(string[] args, CliContext context)
    {
        var root = new RootCommand("Lodestar: reasoning-intensive retrieval: BM25 that reproduces BRIGHT, dense and hybrid search, Retro* reranking on a server or embedded llama.cpp, evaluation equal to trec_eval, and the BRIGHT pipeline. Start with `lodestar quickstart`.")
        {
            IndexCommand.Create(context),
            SearchCommand.Create(context),
            AnalyzeCommand.Create(context),
            ExplainCommand.Create(context),
            EvalCommand.Create(context),
            BenchCommand.Create(context),
            RegressCommand.Create(context),
            BrightCommand.Create(context),
            RerankCommand.Create(context),
            RerankCommand.CreateJudgments(context),
            EmbedCommand.Create(context),
            FuseCommand.Create(context),
            RewriteCommand.Create(context),
            ModelsCommand.Create(context),
            DataCommand.Create(context),
            QuickstartCommand.Create(context),
            ServeCommand.Create(context),
            ServeCommand.CreateMcp(context),
            SynthCommand.Create(context),
        };

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                context.Error.WriteLine($"lodestar: {error.Message}");
            }

            context.Error.WriteLine("Run 'lodestar --help' for usage.");
            return 2;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false });
        }
        catch (InputException e)
        {
            context.Error.WriteLine(e.Message);
            return 1;
        }
        catch (IndexCorruptException e)
        {
            context.Error.WriteLine(e.Message);
            return 1;
        }
        catch (Exception e) when (e is Llm.Engine.LlamaException or Hub.HubException or Llm.Client.LlmException)
        {
            context.Error.WriteLine($"lodestar: {e.Message}");
            return 1;
        }
        catch (ArgumentException e)
        {
            context.Error.WriteLine($"lodestar: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("lodestar: cancelled");
            return 130;
        }
    }
}
