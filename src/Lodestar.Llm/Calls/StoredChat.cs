using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Llm.Client;
using Lodestar.Llm.Judgments;
using Microsoft.Extensions.AI;

namespace Lodestar.Llm.Calls;

/// <summary>
/// A chat client behind the judgment store: every answer is committed as it arrives, and a call whose answers are
/// stored is never sent again. The door every generic LLM call (rewrites, listwise windows, synthesis) goes through.
/// </summary>
/// <remarks>
/// A call's key is SHA-256 of model, canonical sampling parameters, seed and the canonical JSON of its messages, so
/// two runs with the same settings get the same answers. Calls with one key in one process wait for each other; the
/// second finds the first's answers in the store. A call that fails after the client's retries is recorded in the
/// store's failure table, counted by kind in <see cref="Counters"/>, and thrown: it never becomes an answer.
/// </remarks>
public sealed class StoredChat
{
    private static readonly JsonSerializerOptions s_canonical = new() { WriteIndented = false };
    private readonly IChatClient _client;
    private readonly JudgmentStore _store;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _keyGates = new(StringComparer.Ordinal);

    /// <summary>Wraps <paramref name="client"/>, which must offer a <see cref="ChatEndpoint"/> service.</summary>
    /// <exception cref="ArgumentException">The client does not say which model and endpoint it is.</exception>
    public StoredChat(IChatClient client, JudgmentStore store)
    {
        _client = client;
        _store = store;
        Endpoint = client.GetService<ChatEndpoint>() ?? throw new ArgumentException(
            "the chat client must offer a ChatEndpoint service (OpenAiChatClient and LlamaChatClient do)", nameof(client));
    }

    /// <summary>The model and endpoint recorded with every answer.</summary>
    public ChatEndpoint Endpoint { get; }

    /// <summary>The store answers go to.</summary>
    public JudgmentStore Store => _store;

    /// <summary>What this instance asked, reused and lost so far.</summary>
    public StoredChatCounters Counters { get; } = new();

    /// <summary>The store key of a call: what makes two answers interchangeable.</summary>
    public string KeyOf(IReadOnlyList<(string Role, string Content)> messages, LlmSampling sampling) =>
        Key(ParametersOf(sampling), sampling.Seed, PromptSha256(messages));

    /// <summary>
    /// The first <paramref name="n"/> answers of a call: those stored, then new ones asked for the rest (answer i
    /// drawn with seed <c>sampling.Seed + i</c>).
    /// </summary>
    /// <param name="purpose">What the call is for, recorded with each answer (such as <c>rewrite:hyde</c>).</param>
    /// <param name="messages">(role, content) pairs.</param>
    /// <param name="sampling">Sampling settings.</param>
    /// <param name="n">Answers wanted.</param>
    /// <param name="cancellationToken">Cancels the request in flight; stored answers are kept.</param>
    /// <exception cref="LlmException">The backend failed after its retries.</exception>
    public async Task<IReadOnlyList<LlmCall>> AskAsync(string purpose, IReadOnlyList<(string Role, string Content)> messages,
        LlmSampling sampling, int n = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        string promptSha = PromptSha256(messages);
        string parameters = ParametersOf(sampling);
        string key = Key(parameters, sampling.Seed, promptSha);
        SemaphoreSlim gate = _keyGates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<LlmCall> have = _store.GetCalls(key);
            Counters.AddReused(Math.Min(have.Count, n));
            while (have.Count < n)
            {
                int missing = n - have.Count;
                long seed = sampling.Seed + have.Count;
                List<LlmCall> fresh = await RequestAsync(purpose, key, messages, sampling, parameters, promptSha, seed, have.Count, missing, cancellationToken)
                    .ConfigureAwait(false);
                // Another process may have stored answers for the same indexes first: the store's answers win (read
                // back only then; when every answer went in, they are what the store holds).
                if (_store.AddCalls(fresh, promptSha, MessagesJson(messages)) == fresh.Count && fresh.Count > 0)
                {
                    have.AddRange(fresh);
                }
                else
                {
                    have = _store.GetCalls(key);
                }
            }

            return have.Take(n).ToList();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<List<LlmCall>> RequestAsync(string purpose, string key, IReadOnlyList<(string Role, string Content)> messages,
        LlmSampling sampling, string parameters, string promptSha, long seed, int first, int missing, CancellationToken ct)
    {
        var options = new ChatOptions
        {
            Temperature = sampling.Temperature is double t ? (float)t : null,
            TopP = sampling.TopP is double p ? (float)p : null,
            TopK = sampling.TopK,
            Seed = seed,
            MaxOutputTokens = sampling.MaxTokens,
            StopSequences = sampling.Stop is { } stop ? [.. stop] : null,
            AdditionalProperties = new AdditionalPropertiesDictionary { ["n"] = missing },
        };
        if (sampling.ChatTemplateKwargs is { } kwargs)
        {
            options.AdditionalProperties["chat_template_kwargs"] = kwargs;
        }

        var clock = Stopwatch.StartNew();
        ChatResponse response;
        try
        {
            response = await _client.GetResponseAsync([.. messages.Select(m => new ChatMessage(new ChatRole(m.Role), m.Content))], options, ct)
                .ConfigureAwait(false);
        }
        catch (LlmException e)
        {
            Counters.AddFailure(e.Kind == LlmFailure.Http && e.Status is int status ? $"Http{status}" : e.Kind.ToString());
            _store.AddFailure(key, purpose, "", e.Kind.ToString(), e.Message);
            throw;
        }

        double latency = clock.Elapsed.TotalMilliseconds;
        if (response.Messages.Count == 0)
        {
            Counters.AddFailure(nameof(LlmFailure.Malformed));
            throw new LlmException(LlmFailure.Malformed, $"{Endpoint.Endpoint} (model {Endpoint.Model}): the answer had no choices");
        }

        long promptTokens = response.Usage?.InputTokenCount ?? 0;
        long completionTokens = response.Usage?.OutputTokenCount ?? 0;
        int count = Math.Min(missing, response.Messages.Count);
        bool estimated = response.Messages.Count > 1;
        long share = completionTokens / response.Messages.Count;
        string? finish = response.FinishReason?.Value;
        var fresh = new List<LlmCall>(count);
        for (int j = 0; j < count; j++)
        {
            fresh.Add(new LlmCall(key, first + j, purpose, Endpoint.Model, Endpoint.Endpoint, parameters, seed, promptSha,
                response.Messages[j].Text, finish, promptTokens, share, estimated, latency));
        }

        Counters.AddRequest(count, promptTokens, completionTokens);
        return fresh;
    }

    private string Key(string parameters, long seed, string promptSha) =>
        Sha256($"{Endpoint.Model}\n{parameters}\n{seed}\n{promptSha}");

    /// <summary>Sampling parameters as JSON with sorted keys (the seed is keyed separately).</summary>
    private static string ParametersOf(LlmSampling s)
    {
        var map = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["max_tokens"] = s.MaxTokens,
            ["stop"] = s.Stop,
            ["temperature"] = s.Temperature,
            ["top_k"] = s.TopK,
            ["top_p"] = s.TopP,
        };
        if (s.ChatTemplateKwargs is { } kwargs)
        {
            map["chat_template_kwargs"] = new SortedDictionary<string, object>(kwargs.ToDictionary(), StringComparer.Ordinal);
        }

        return JsonSerializer.Serialize(map, s_canonical);
    }

    /// <summary>The messages' canonical JSON, <c>[{"role":…,"content":…},…]</c>, as <see cref="JsonSerializer"/>
    /// writes a list of role/content dictionaries with default options (the form every stored key was made from).</summary>
    internal static string MessagesJson(IReadOnlyList<(string Role, string Content)> messages)
    {
        ArrayBufferWriter<byte> buffer = WriteMessages(messages);
        string json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        KeepSmall(buffer);
        return json;
    }

    /// <summary>SHA-256 of the messages' canonical JSON, hashed from UTF-8 without a string in between.</summary>
    internal static string PromptSha256(IReadOnlyList<(string Role, string Content)> messages)
    {
        ArrayBufferWriter<byte> buffer = WriteMessages(messages);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        KeepSmall(buffer);
        return Convert.ToHexStringLower(hash);
    }

    // A thread keeps its buffer between calls, unless one prompt grew it past 4 MiB.
    private static void KeepSmall(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > 4 << 20)
        {
            t_buffer = null;
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    // The writer's default encoder is JsonSerializer's default (JavaScriptEncoder.Default), so the bytes are the same.
    private static ArrayBufferWriter<byte> WriteMessages(IReadOnlyList<(string Role, string Content)> messages)
    {
        ArrayBufferWriter<byte> buffer = t_buffer ??= new ArrayBufferWriter<byte>(64 * 1024);
        buffer.ResetWrittenCount();
        using var w = new Utf8JsonWriter(buffer);
        w.WriteStartArray();
        foreach ((string role, string content) in messages)
        {
            w.WriteStartObject();
            w.WriteString("role", role);
            w.WriteString("content", content);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.Flush();
        return buffer;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
