using Lodestar.Llm.Client;
using Lodestar.Tokenizers;
using Microsoft.Extensions.AI;
using Lodestar.Telemetry;

namespace Lodestar.Cli.Commands;

/// <summary>
/// The composition root of every chat client the CLI opens: the server or engine client inside Microsoft.Extensions.AI's
/// <c>ChatClientBuilder</c> pipeline with OpenTelemetry and logging middleware when telemetry is on
/// (<see cref="CliContext.Telemetry"/>, <see cref="LlmTelemetry.Wrap"/>), and a local token counter where the server
/// cannot count.
/// </summary>
internal static class ChatPipeline
{
    /// <summary>The client with the middleware the context asks for.</summary>
    public static IChatClient Build(CliContext context, IChatClient inner) => context.Telemetry.Wrap(inner);

    /// <summary>
    /// <paramref name="client"/> with a local token counter for servers without <c>/tokenize</c>: the one
    /// <paramref name="spec"/> names (<see cref="LocalTokenCounter.Open"/>), else the tiktoken encoding
    /// Microsoft.ML.Tokenizers knows for <paramref name="model"/> (OpenAI's model names), else none (the reranker then
    /// estimates 4 characters a token). The embedded engine counts with its own model and is left as it is.
    /// </summary>
    public static IChatClient WithTokenizer(CliContext context, IChatClient client, string? spec, string? model, string? llamaLibrary)
    {
        if (client.GetService<Llm.Engine.LlamaModel>() is not null)
        {
            if (spec is not null)
            {
                context.Error.WriteLine("note: --tokenizer is not used with --gguf; the embedded model counts its own tokens");
            }

            return client;
        }

        LocalTokenCounter? local;
        try
        {
            local = spec is not null ? LocalTokenCounter.Open(spec, llamaLibrary) : model is null ? null : MlTokenCounter.ForModel(model);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        if (local is null)
        {
            return client;
        }

        context.Error.WriteLine($"token counts: the server's /tokenize where it has one, else {local.Name}");
        return new TokenCountingChatClient(client, local);
    }
}
