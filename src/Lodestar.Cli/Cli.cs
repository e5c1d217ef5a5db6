using System.CommandLine;
using System.CommandLine.Help;
using System.Reflection;
using Lodestar.Cli.Commands;
using Lodestar.Cli.Options;
using Lodestar.Errors;
using Lodestar.Telemetry;

namespace Lodestar.Cli;

/// <summary>Builds the command tree and maps failures to exit codes: 0 ok, 1 bad input or failed check, 2 usage.</summary>
public static class Cli
{
    /// <summary>The root's description, the first thing <c>lodestar --help</c> prints.</summary>
    internal const string Description = "Lodestar: reasoning-intensive retrieval: BM25 that reproduces BRIGHT, dense and hybrid search, Retro* reranking on a server or embedded llama.cpp, evaluation equal to trec_eval, and the BRIGHT pipeline. Start with `lodestar quickstart`.";

    // The top-level commands in help order, each with the name its factory gives it, so that a run of one command
    // builds that command's subtree only (start-up: docs/benchmarks.md). A test checks the names against the tree.
    private static readonly (string Name, Func<CliContext, Command> Create)[] s_commands =
    [
        ("index", IndexCommand.Create),
        ("search", SearchCommand.Create),
        ("analyze", AnalyzeCommand.Create),
        ("explain", ExplainCommand.Create),
        ("eval", EvalCommand.Create),
#if !LODESTAR_CORE
        ("bench", BenchCommand.Create),
        ("regress", RegressCommand.Create),
        ("bright", BrightCommand.Create),
        ("rerank", RerankCommand.Create),
        ("judgments", RerankCommand.CreateJudgments),
        ("embed", EmbedCommand.Create),
#endif
        ("fuse", FuseCommand.Create),
#if !LODESTAR_CORE
        ("rewrite", RewriteCommand.Create),
        ("models", ModelsCommand.Create),
        ("data", DataCommand.Create),
        ("quickstart", QuickstartCommand.Create),
        ("serve", ServeCommand.Create),
        ("mcp", ServeCommand.CreateMcp),
        ("synth", SynthCommand.Create),
        ("tokens", TokensCommand.Create),
#endif
    ];

    /// <summary>The commands of the core executable (<c>-p:LodestarCommands=Core</c>, the native AOT
    /// <c>lodestar</c>): the ones run many times in a row, whose start-up matters; the rest run in the whole CLI
    /// (<see cref="FullExecutable"/>).</summary>
    internal static readonly string[] CoreCommands = ["index", "search", "analyze", "explain", "eval", "fuse"];

    /// <summary>The names of the top-level commands, in the order <c>lodestar --help</c> lists them.</summary>
    internal static IEnumerable<string> CommandNames => s_commands.Select(c => c.Name);

    /// <summary>The command tree (every command, option and argument), with Lodestar's value parsers installed.</summary>
    public static RootCommand CreateRoot(CliContext context) => CreateRoot(context, _ => true);

    /// <summary>The root with only the top-level commands whose names <paramref name="include"/> accepts.</summary>
    internal static RootCommand CreateRoot(CliContext context, Func<string, bool> include)
    {
        var root = new RootCommand(Description);
        foreach ((string name, Func<CliContext, Command> create) in s_commands)
        {
            if (include(name))
            {
                root.Add(create(context));
            }
        }

        ValueParsers.Install(root);
        return root;
    }

    /// <summary>The smallest tree that parses <paramref name="args"/> exactly as the whole tree does: only the named
    /// command's subtree when the first argument names a command (nothing outside it can match a later token), the
    /// bare root for <c>--version</c> alone, and the whole tree otherwise (root help, a typo to suggest for, a
    /// response file).</summary>
    internal static RootCommand RootFor(string[] args, CliContext context)
    {
        if (args is ["--version"])
        {
            return CreateRoot(context, _ => false);
        }

        string? first = args.Length > 0 ? args[0] : null;
        return first is not null && s_commands.Any(c => c.Name == first)
            ? CreateRoot(context, name => name == first)
            : CreateRoot(context);
    }

    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    public static int Run(string[] args, CliContext context)
    {
        if (args is ["--version"])
        {
            // What System.CommandLine's version option prints, without building even the bare root (its help option
            // reads its description through a ResourceManager) or starting telemetry: this is all start-up.
            Assembly? entry = Assembly.GetEntryAssembly();
            context.Out.WriteLine(entry?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? entry?.GetName().Version?.ToString() ?? "");
            return 0;
        }

        if (FullExecutable.RunsElsewhere(args))
        {
            return FullExecutable.Hand(args, context);
        }

        // the native int8 kernel, loaded on the first batched int8 scan (a delegate stored here, no library opened)
        Dense.Native.NativeInt8Kernel.Register();
        LlmTelemetry? started = null;
#if !LODESTAR_CORE
        // (the core executable hands every command line that asks for telemetry to the whole CLI: no exporter is
        // linked into it)
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
#endif

        using (started)
        {
            // A command line that parses against the named command alone runs without the root's help and version
            // options (whose descriptions System.CommandLine reads through a ResourceManager: ~2 ms of every start);
            // anything else, errors included, goes through the real root, so messages and help are unchanged.
            if (CommandAloneFor(args, context) is { } alone && alone.Parse(args) is { Errors.Count: 0 } parse)
            {
                return Invoke(args, parse, context, alone);
            }

            return Run(args, context, RootFor(args, context));
        }
    }

    /// <summary>The named command under a plain root, for a command line that needs nothing of the real root: no help,
    /// version or response-file token anywhere (a token that only looks like one just takes the usual path).</summary>
    internal static Command? CommandAloneFor(string[] args, CliContext context)
    {
        int i = args.Length == 0 ? -1 : Array.FindIndex(s_commands, c => c.Name == args[0]);
        if (i < 0)
        {
            return null;
        }

        foreach (string a in args)
        {
            if (a is "-h" or "/h" or "--help" or "-?" or "/?" or "--version" || a.StartsWith('@'))
            {
                return null;
            }
        }

        var root = new Command("lodestar", Description) { s_commands[i].Create(context) };
        ValueParsers.Install(root, lean: true);
        return root;
    }

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and runs the command (telemetry as the
    /// context has it).</summary>
    internal static int Run(string[] args, CliContext context, RootCommand root)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            ReportUsageErrors(parse, context);
            return 2;
        }

        return Invoke(args, parse, context, root);
    }

    // Runs a parsed command line (of args) and maps failures to exit codes.
    private static int Invoke(string[] args, ParseResult parse, CliContext context, Command root)
    {
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
        catch (FullExecutable.HandOverException)
        {
            return FullExecutable.Hand(args, context);
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
