using System.Collections.Concurrent;
using Lodestar.Llm.Client;
using Microsoft.Extensions.AI;

namespace Lodestar.Server.Reranking;

/// <summary>Wraps the shared chat client for one request and keeps the LLM failures it saw, so that the request can
/// answer with their cause instead of a first-stage order.</summary>
internal sealed class FailureRecorder(IChatClient inner) : DelegatingChatClient(inner)
{
    public ConcurrentQueue<LlmException> Failures { get; } = new();

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (LlmException e)
        {
            Failures.Enqueue(e);
            throw;
        }
    }

    // The shared client outlives every request.
    protected override void Dispose(bool disposing)
    {
    }
}
