using Microsoft.Extensions.AI;

namespace Lodestar.Llm.Client;

/// <summary>One endpoint's counts in an <see cref="EndpointPool"/>.</summary>
/// <param name="Endpoint">The endpoint's base URL.</param>
/// <param name="Requests">Requests sent to it (a request's retries inside its client count once).</param>
/// <param name="Failures">Requests that failed on it after its client's retries.</param>
/// <param name="Ejections">Times it was taken out.</param>
/// <param name="Readmissions">Times a probe brought it back.</param>
/// <param name="Out">Whether it is out now.</param>
public sealed record EndpointStats(string Endpoint, long Requests, long Failures, int Ejections, int Readmissions, bool Out);

/// <summary>
/// Several OpenAI-compatible servers of one model behind one <see cref="IChatClient"/> (SGLang or vLLM replicas):
/// each request goes to the endpoint with the fewest requests outstanding (ties in turn). An endpoint whose request
/// fails after its client's retries with a dropped or refused connection, a timeout or a 5xx is taken out, and the
/// request goes to another endpoint; an endpoint that is out is probed (<c>/v1/models</c>) every
/// <see cref="ProbeInterval"/> and comes back when it answers. Other failures (a 4xx) are the request's and are thrown.
/// </summary>
/// <remarks>When every endpoint is out, a request probes them all at once and fails with the last error when none
/// answers, so a dead fleet fails requests (counted by the caller) instead of hanging. Thread-safe.</remarks>
public sealed class EndpointPool : IChatClient, ITokenCounter
{
    private readonly Member[] _members;
    private readonly RetryLog _retries;
    private readonly List<IDisposable> _owned = [];
    private int _turn;

    /// <summary>A pool over <paramref name="members"/>: (name shown in the counts, client, probe that throws when the
    /// endpoint is down). Every client must offer a <see cref="ChatEndpoint"/> of the same model.</summary>
    public EndpointPool(IReadOnlyList<(string Name, IChatClient Client, Func<CancellationToken, Task> Probe)> members)
    {
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        _members = [.. members.Select(m => new Member(m.Name, m.Client, m.Probe))];
        ChatEndpoint[] endpoints = [.. _members.Select(m => m.Client.GetService<ChatEndpoint>()
            ?? throw new ArgumentException("every client of the pool must offer a ChatEndpoint service", nameof(members)))];
        if (endpoints.Select(e => e.Model).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            throw new ArgumentException($"the endpoints serve different models ({string.Join(", ", endpoints.Select(e => e.Model).Distinct())}); a pool needs one model");
        }

        Endpoint = new ChatEndpoint(endpoints[0].Model, string.Join(",", endpoints.Select(e => e.Endpoint)), endpoints.Sum(e => e.MaxInFlight));
        _retries = new RetryLog([.. _members.Select(m => m.Client.GetService<RetryLog>()).OfType<RetryLog>()]);
    }

    /// <summary>A pool over servers; each is probed with a client of its own that makes one attempt of 10 s.</summary>
    public static EndpointPool ForServers(IReadOnlyList<OpenAiClient> servers)
    {
        var members = new List<(string, IChatClient, Func<CancellationToken, Task>)>();
        var probes = new List<OpenAiClient>();
        foreach (OpenAiClient server in servers)
        {
            var probe = new OpenAiClient(server.Options with { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(10), MaxInFlight = 1 });
            probes.Add(probe);
            members.Add((server.Options.BaseUrl.ToString(), new OpenAiChatClient(server), ct => probe.ListModelsAsync(ct)));
        }

        var pool = new EndpointPool(members);
        pool._owned.AddRange(probes);
        return pool;
    }

    /// <summary>How long an endpoint stays out before it is probed again (default 5 s).</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The pool as the reranker sees it: the model, the endpoints joined by commas, the sum of their in-flight limits.</summary>
    public ChatEndpoint Endpoint { get; }

    /// <summary>Per-endpoint counts so far, in the order given.</summary>
    public IReadOnlyList<EndpointStats> Stats() =>
        [.. _members.Select(m => new EndpointStats(m.Name, Interlocked.Read(ref m.Requests), Interlocked.Read(ref m.Failures), m.Ejections, m.Readmissions, m.IsOut))];

    /// <summary>Takes an endpoint out as if it had failed (for a start-up check that found it down).</summary>
    public void Eject(int index) => EjectMember(_members[index]);

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        List<ChatMessage> list = [.. messages];
        var tried = new HashSet<Member>();
        LlmException? last = null;
        while (true)
        {
            StartDueProbes();
            Member? m = Pick(tried);
            if (m is null)
            {
                if (await ProbeAllAsync(tried, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                throw last ?? new LlmException(LlmFailure.Connection, $"every endpoint of the pool is out ({string.Join(", ", _members.Select(x => x.Name))})");
            }

            Interlocked.Increment(ref m.Outstanding);
            Interlocked.Increment(ref m.Requests);
            try
            {
                return await m.Client.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
            }
            catch (LlmException e)
            {
                Interlocked.Increment(ref m.Failures);
                if (!Ejects(e))
                {
                    throw;
                }

                EjectMember(m);
                tried.Add(m);
                last = e;
            }
            finally
            {
                Interlocked.Decrement(ref m.Outstanding);
            }
        }
    }

    /// <summary>Whether a failure says the endpoint, not the request, is at fault.</summary>
    private static bool Ejects(LlmException e) => e.Kind is LlmFailure.Connection or LlmFailure.Timeout || (e.Kind == LlmFailure.Http && e.Status >= 500);

    /// <summary>The endpoint in service, not yet tried for this request, with the fewest outstanding; ties in turn.</summary>
    private Member? Pick(HashSet<Member> tried)
    {
        int start = (int)((uint)Interlocked.Increment(ref _turn) % (uint)_members.Length);
        Member? best = null;
        for (int i = 0; i < _members.Length; i++)
        {
            Member m = _members[(start + i) % _members.Length];
            if (!m.IsOut && !tried.Contains(m) && (best is null || Volatile.Read(ref m.Outstanding) < Volatile.Read(ref best.Outstanding)))
            {
                best = m;
            }
        }

        return best;
    }

    private void EjectMember(Member m)
    {
        lock (m)
        {
            if (!m.IsOut)
            {
                m.IsOut = true;
                m.Ejections++;
                m.ProbeAt = DateTime.UtcNow + ProbeInterval;
            }
        }
    }

    /// <summary>Probes, in the background, the endpoints that are out and due.</summary>
    private void StartDueProbes()
    {
        DateTime now = DateTime.UtcNow;
        foreach (Member m in _members)
        {
            if (m.IsOut && m.ProbeAt <= now && Interlocked.CompareExchange(ref m.Probing, 1, 0) == 0)
            {
                _ = Task.Run(() => ProbeAsync(m, CancellationToken.None));
            }
        }
    }

    /// <summary>Probes every endpoint that is out (those tried for this request included); whether one came back.</summary>
    private async Task<bool> ProbeAllAsync(HashSet<Member> tried, CancellationToken ct)
    {
        bool[] back = await Task.WhenAll(_members.Where(m => m.IsOut).Select(m => ProbeAsync(m, ct))).ConfigureAwait(false);
        if (back.Any(b => b))
        {
            tried.Clear();
            return true;
        }

        return false;
    }

    private async Task<bool> ProbeAsync(Member m, CancellationToken ct)
    {
        try
        {
            await m.Probe(ct).ConfigureAwait(false);
            lock (m)
            {
                if (m.IsOut)
                {
                    m.IsOut = false;
                    m.Readmissions++;
                }
            }

            return true;
        }
        catch (Exception e) when (e is LlmException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            lock (m)
            {
                m.ProbeAt = DateTime.UtcNow + ProbeInterval;
            }

            return false;
        }
        finally
        {
            Volatile.Write(ref m.Probing, 0);
        }
    }

    /// <summary>Streams nothing incrementally: the whole answer of the chosen endpoint arrives as one update.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) => WholeResponses.AsUpdates(GetResponseAsync(messages, options, cancellationToken));

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ChatEndpoint) ? Endpoint
        : serviceType == typeof(RetryLog) ? _retries
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("openai-compatible-pool", null, Endpoint.Model)
        : null;

    /// <summary>Counts with the first endpoint in service that can (all serve one model); null when none can.</summary>
    public async Task<int?> CountTokensAsync(string text, CancellationToken cancellationToken = default)
    {
        foreach (Member m in _members.Where(m => !m.IsOut))
        {
            if (m.Client.GetService<ITokenCounter>() is { } counter)
            {
                return await counter.CountTokensAsync(text, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Member m in _members)
        {
            m.Client.Dispose();
        }

        foreach (IDisposable d in _owned)
        {
            d.Dispose();
        }
    }

    private sealed class Member(string name, IChatClient client, Func<CancellationToken, Task> probe)
    {
        public readonly string Name = name;
        public readonly IChatClient Client = client;
        public readonly Func<CancellationToken, Task> Probe = probe;
        public int Outstanding;
        public long Requests;
        public long Failures;
        public int Ejections;
        public int Readmissions;
        public int Probing;
        public volatile bool IsOut;
        public DateTime ProbeAt;
    }
}
