using System.CommandLine;
using System.CommandLine.Help;
using Lodestar.Cli.Commands;
using Lodestar.Cli.Options;
using Lodestar.Errors;
using Lodestar.Telemetry;

namespace Lodestar.Cli;

/// <summary>Builds the command tree and maps failures to exit codes: 0 ok, 1 bad input or failed check, 2 usage.</summary>
public static class Cli
{
    /// <summary>The command tree (every command, option and argument), with Lodestar's value parsers installed.</summary>
    public static RootCommand CreateRoot(CliContext context)
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
            TokensCommand.Create(context),
        };
        ValueParsers.Install(root);
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    public static int Run(string[] args, CliContext context)
    {
        LlmTelemetry? started = null;
        try
        {
            if (!context.Telemetry.Enabled)
            {
                started = LlmTelemetry.Start(TelemetrySettings.FromEnvironment());
                context = context with { Telemetry = started };
            }
        }
        catch (ArgumentException e)
        {
            context.Error.WriteLine($"lodestar: {e.Message}");
            return 2;
        }

        using (started)
        {
            return Run(args, context, CreateRoot(context));
        }
    }

    private static int Run(string[] args, CliContext context, RootCommand root)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            ReportUsageErrors(parse, context);
            return 2;
        }

        try
        {
            if (parse.Action is HelpAction)
            {
                var help = new StringWriter();
                int code = parse.Invoke(new InvocationConfiguration { Output = help, Error = context.Error });
                context.Out.Write(HelpText.LowerCaseEnumDefaults(help.ToString(), root));
                return code;
            }

            // InvokeAsync: only the asynchronous pipeline turns Ctrl-C into cancellation of the action's token.
            return parse.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false }).GetAwaiter().GetResult();
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The file system refused (a folder where a file was expected, no permission, a full disk): bad input.
            context.Error.WriteLine($"lodestar: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("lodestar: cancelled");
            return 130;
        }
    }

    private static void ReportUsageErrors(ParseResult parse, CliContext context)
    {
        var unmatched = new HashSet<string>(parse.UnmatchedTokens, StringComparer.Ordinal);
        foreach (var error in parse.Errors)
        {
            string? typo = unmatched.FirstOrDefault(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal));
            string? nearest = typo is null ? null : Suggestions.Nearest(typo, parse.CommandResult.Command);
            context.Error.WriteLine($"lodestar: {error.Message}{(nearest is null ? "" : $" Did you mean '{nearest}'?")}");
        }

        context.Error.WriteLine("Run 'lodestar --help' for usage.");
    }
}
