using Microsoft.Extensions.AI;

namespace Lodestar.Llm.Client;

/// <summary>
/// A chat client whose <see cref="ITokenCounter"/> asks the inner client first (a server's <c>/tokenize</c>) and,
/// where it cannot count, a local counter (the model's own tokenizer, or a known vocabulary), so a token budget is
/// kept in tokens rather than guessed from characters.
/// </summary>
/// <remarks>Once the inner client has answered "cannot count" it is not asked again, so a server without
/// <c>/tokenize</c> gets one probe, not one per prompt. The local counter is disposed with the client.</remarks>
/// <param name="inner">The chat client.</param>
/// <param name="local">Counts where the inner client cannot.</param>
public sealed class TokenCountingChatClient(IChatClient inner, ITokenCounter local) : DelegatingChatClient(inner), ITokenCounter
{
    private volatile int _innerCounts = -1; // -1 not asked yet, 0 cannot count, 1 counts

    /// <summary>Whether the counts come from the local counter (known after the first count).</summary>
    public bool CountsLocally => _innerCounts == 0;

    /// <summary>The local counter.</summary>
    public ITokenCounter Local => local;

    /// <inheritdoc />
    public async Task<int?> CountTokensAsync(string text, CancellationToken cancellationToken = default)
    {
        if (_innerCounts != 0 && InnerClient.GetService<ITokenCounter>() is { } remote)
        {
            int? count = await remote.CountTokensAsync(text, cancellationToken).ConfigureAwait(false);
            if (count is not null)
            {
                _innerCounts = 1;
                return count;
            }
        }

        _innerCounts = 0;
        return await local.CountTokensAsync(text, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && local is IDisposable d)
        {
            d.Dispose();
        }

        base.Dispose(disposing);
    }
}
