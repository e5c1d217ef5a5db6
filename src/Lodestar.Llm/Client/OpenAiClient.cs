using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Polly;
using Polly.Retry;

namespace Lodestar.Llm.Client;

/// <summary>
/// A client for OpenAI-compatible servers: <c>/v1/chat/completions</c> (with <c>n</c>, top_k, seed and
/// <c>chat_template_kwargs</c>, as vLLM and SGLang take them), <c>/v1/models</c>, and <c>/tokenize</c> where the
/// server has it. Bounded retries with exponential backoff and jitter (Polly) for 429, 5xx, timeouts, dropped
/// connections and malformed bodies; one in-flight limit across all callers.
/// </summary>
/// <remarks>Thread-safe. Other HTTP errors fail at once, with the endpoint, model, status and body's start.</remarks>
public sealed class OpenAiClient : IDisposable
{
    private readonly EndpointOptions _options;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _inFlight;
    private readonly ResiliencePipeline _retry;

    /// <summary>Creates a client for one endpoint and model.</summary>
    public OpenAiClient(EndpointOptions options)
    {
        _options = options;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = options.BaseUrl,
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own timeout
        };
        if (options.ApiKey is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        _inFlight = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        var builder = new ResiliencePipelineBuilder();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<LlmException>(e => e.IsTransient),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is LlmException e)
                    {
                        Retries.Add(RetryLog.KindOf(e), args.RetryDelay);
                        LlmMetrics.Retried(e, options, args.RetryDelay);
                    }

                    return default;
                },
            });
        }

        _retry = builder.Build();
    }

    /// <summary>The retries this client has made, by kind, and the time it waited before them.</summary>
    public RetryLog Retries { get; } = new();

    /// <summary>The endpoint's options.</summary>
    public EndpointOptions Options => _options;

    /// <summary>Requests currently waiting for or holding an in-flight slot is bounded by <see cref="EndpointOptions.MaxInFlight"/>.</summary>
    public int InFlight => _options.MaxInFlight - _inFlight.CurrentCount;

    /// <summary>Runs one chat completion, retrying transient failures within the configured bound.</summary>
    /// <exception cref="LlmException">The request failed, after retries when the failure was transient.</exception>
    public async Task<ChatResult> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        byte[] body = Serialize(request);
        int attempts = 0;
        return await _retry.ExecuteAsync(async ct =>
        {
            attempts++;
            var clock = Stopwatch.StartNew();
            string json = await SendAsync(HttpMethod.Post, "v1/chat/completions", body, ct).ConfigureAwait(false);
            (List<ChatChoice> choices, long inTokens, long outTokens) = ParseCompletion(json, request.Seed);
            return new ChatResult(choices, inTokens, outTokens, attempts, clock.Elapsed);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Embeddings of <paramref name="inputs"/> from <c>/v1/embeddings</c>, in input order (the answer's
    /// <c>index</c> fields are honored), retrying transient failures within the configured bound.</summary>
    /// <exception cref="LlmException">The request failed, or the answer has the wrong count.</exception>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> inputs, CancellationToken cancellationToken = default)
    {
        byte[] body = JsonBody(w =>
        {
            w.WriteString("model", _options.Model);
            w.WriteStartArray("input");
            foreach (string input in inputs)
            {
                w.WriteStringValue(input);
            }

            w.WriteEndArray();
        });
        return await _retry.ExecuteAsync(async ct =>
        {
            string json = await SendAsync(HttpMethod.Post, "v1/embeddings", body, ct).ConfigureAwait(false);
            try
            {
                using JsonDocument doc = JsonDocument.Parse(json);
                var vectors = new float[inputs.Count][];
                int position = 0;
                foreach (JsonElement item in doc.RootElement.GetProperty("data").EnumerateArray())
                {
                    int index = item.TryGetProperty("index", out JsonElement i) ? i.GetInt32() : position;
                    vectors[index] = [.. item.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle())];
                    position++;
                }

                return vectors.Any(v => v is null) ? throw new InvalidOperationException($"{position} embeddings for {inputs.Count} inputs") : vectors;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
            {
                throw new LlmException(LlmFailure.Malformed, new Uri(_options.BaseUrl, "v1/embeddings"), _options.Model, 200, json, e);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks, before any work is sent, that the server answers: <c>/v1/models</c>, or for a server without that
    /// list (404, 405) a one-token chat completion. A transient failure is tried once more after the retry delay.
    /// </summary>
    /// <returns>The model ids the server lists (empty when it has no list).</returns>
    /// <exception cref="LlmException">The server is down or answers with an error; the message has its status and body.</exception>
    public async Task<List<string>> CheckAsync(CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                try
                {
                    string json = await SendAsync(HttpMethod.Get, "v1/models", null, cancellationToken).ConfigureAwait(false);
                    using JsonDocument doc = JsonDocument.Parse(json);
                    return doc.RootElement.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Array
                        ? [.. data.EnumerateArray().Select(m => m.TryGetProperty("id", out JsonElement id) ? id.GetString() ?? "" : "")]
                        : [];
                }
                catch (JsonException)
                {
                    return [];
                }
                catch (LlmException e) when (e.Status is 404 or 405)
                {
                    var probe = new ChatRequest { Messages = [("user", "Say OK.")], N = 1, MaxTokens = 1 };
                    ParseCompletion(await SendAsync(HttpMethod.Post, "v1/chat/completions", Serialize(probe), cancellationToken).ConfigureAwait(false), null);
                    return [];
                }
            }
            catch (LlmException e) when (e.IsTransient && attempt == 0)
            {
                await Task.Delay(_options.RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The model ids the server lists at <c>/v1/models</c>.</summary>
    public async Task<List<string>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        string json = await _retry.ExecuteAsync(ct => new ValueTask<string>(SendAsync(HttpMethod.Get, "v1/models", null, ct)), cancellationToken).ConfigureAwait(false);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return [.. doc.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Fail(LlmFailure.Malformed, 200, json, e);
        }
    }

    private volatile string? _tokenizeField; // the /tokenize dialect once found: "content" (llama.cpp) or "prompt" (vLLM, SGLang)

    /// <summary>The number of tokens of <paramref name="text"/> by the server's <c>/tokenize</c> endpoint, or null
    /// when the server has none. llama.cpp reads <c>content</c>, vLLM and SGLang <c>prompt</c>; llama.cpp answers a
    /// field it does not read with an empty list, so an empty list for non-empty text means "the other dialect",
    /// and from both dialects it is an error, never 0 tokens. The dialect found is kept for later calls.</summary>
    /// <exception cref="LlmException">Both dialects answered no tokens for non-empty text (<see cref="LlmFailure.Malformed"/>).</exception>
    public async Task<int?> CountTokensAsync(string text, CancellationToken cancellationToken = default)
    {
        string[] fields = _tokenizeField is { } known ? [known] : ["content", "prompt"];
        string? empty = null;
        foreach (string field in fields)
        {
            byte[] body = JsonBody(w =>
            {
                w.WriteString("model", _options.Model);
                w.WriteString(field, text);
            });
            string json;
            try
            {
                json = await SendAsync(HttpMethod.Post, "tokenize", body, cancellationToken).ConfigureAwait(false);
            }
            catch (LlmException e) when (e.Status is 404 or 405 or 501)
            {
                return null;
            }
            catch (LlmException e) when (e.Status is 400 or 422)
            {
                continue; // the other dialect
            }

            int count;
            try
            {
                using JsonDocument doc = JsonDocument.Parse(json);
                JsonElement root = doc.RootElement;
                count = root.TryGetProperty("count", out JsonElement c) ? c.GetInt32() : root.GetProperty("tokens").GetArrayLength();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new LlmException(LlmFailure.Malformed, new Uri(_options.BaseUrl, "tokenize"), _options.Model, 200, json, e);
            }

            if (count > 0 || text.Length == 0)
            {
                _tokenizeField = field;
                return count;
            }

            empty = json;
        }

        if (empty is not null)
        {
            throw new LlmException(LlmFailure.Malformed, new Uri(_options.BaseUrl, "tokenize"), _options.Model, 200,
                $"no tokens for {text.Length} characters of text (sent as `content` and as `prompt`): {empty}");
        }

        return null;
    }

    /// <summary>How many requests the server runs at once, where it says: SGLang's <c>/get_server_info</c>
    /// (<c>max_running_requests</c>) or llama.cpp's <c>/props</c> (<c>total_slots</c>); null when it does not.</summary>
    public async Task<int?> DiscoverConcurrencyAsync(CancellationToken cancellationToken = default)
    {
        foreach ((string path, string field) in new[] { ("get_server_info", "max_running_requests"), ("props", "total_slots") })
        {
            try
            {
                string json = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
                using JsonDocument doc = JsonDocument.Parse(json);
                if (doc.RootElement.TryGetProperty(field, out JsonElement value) && value.TryGetInt32(out int n) && n > 0)
                {
                    return n;
                }
            }
            catch (Exception e) when (e is LlmException or JsonException or InvalidOperationException)
            {
                // not this server's dialect
            }
        }

        return null;
    }

    private async Task<string> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken ct)
    {
        await _inFlight.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(_options.RequestTimeout);
            using var message = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                message.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            }

            try
            {
                using HttpResponseMessage response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, attempt.Token).ConfigureAwait(false);
                string text = await response.Content.ReadAsStringAsync(attempt.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw Fail(LlmFailure.Http, (int)response.StatusCode, text, path: path);
                }

                return text;
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw Fail(LlmFailure.Timeout, null, "", e, path);
            }
            catch (HttpRequestException e)
            {
                throw Fail(LlmFailure.Connection, e.StatusCode is HttpStatusCode s ? (int)s : null, e.Message, e, path);
            }
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private (List<ChatChoice>, long, long) ParseCompletion(string json, long? seed)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            JsonElement root = doc.RootElement;
            var choices = new List<ChatChoice>();
            foreach (JsonElement c in root.GetProperty("choices").EnumerateArray())
            {
                string text = c.GetProperty("message").GetProperty("content").GetString() ?? "";
                string? finish = c.TryGetProperty("finish_reason", out JsonElement f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                choices.Add(new ChatChoice(text, finish));
            }

            if (choices.Count == 0)
            {
                throw new InvalidOperationException("no choices");
            }

            long inTokens = 0, outTokens = 0;
            if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
            {
                inTokens = usage.TryGetProperty("prompt_tokens", out JsonElement p) ? p.GetInt64() : 0;
                outTokens = usage.TryGetProperty("completion_tokens", out JsonElement o) ? o.GetInt64() : 0;
            }

            return PerChoice(choices, inTokens, outTokens, seed, ServerDialects.Of(root));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Fail(LlmFailure.Malformed, 200, json, e);
        }
    }

    /// <summary>
    /// What the server did per choice. llama-server runs <c>n</c> &gt; 1 as one task per choice, choice <c>j</c> with
    /// seed <c>seed + j</c>, and its merged answer carries the first choice's usage only; vLLM also seeds choice
    /// <c>j</c> with <c>seed + j</c> and counts all choices in its usage; other servers are taken to count all
    /// choices, with the seed as sent. A count the server did not give per choice is apportioned by characters and
    /// marked as an estimate.
    /// </summary>
    private static (List<ChatChoice>, long, long) PerChoice(List<ChatChoice> choices, long inTokens, long outTokens, long? seed, ServerDialect dialect)
    {
        int n = choices.Count;
        bool seedPlusIndex = dialect is ServerDialect.LlamaCpp or ServerDialect.Vllm;
        var result = new List<ChatChoice>(n);
        if (n == 1)
        {
            result.Add(choices[0] with { Seed = seed, Tokens = outTokens });
            return (result, inTokens, outTokens);
        }

        long[] tokens = new long[n];
        if (dialect == ServerDialect.LlamaCpp)
        {
            // usage is the first choice's; the others at its tokens per character
            tokens[0] = outTokens;
            double perChar = choices[0].Text.Length > 0 ? (double)outTokens / choices[0].Text.Length : 0.25;
            for (int j = 1; j < n; j++)
            {
                tokens[j] = (long)Math.Round(choices[j].Text.Length * perChar);
            }
        }
        else
        {
            long chars = choices.Sum(c => (long)c.Text.Length);
            long left = outTokens;
            for (int j = 0; j < n; j++)
            {
                tokens[j] = j == n - 1 ? left : chars > 0 ? (long)Math.Round((double)outTokens * choices[j].Text.Length / chars) : outTokens / n;
                tokens[j] = Math.Clamp(tokens[j], 0, left);
                left -= tokens[j];
            }
        }

        for (int j = 0; j < n; j++)
        {
            result.Add(choices[j] with
            {
                Seed = seed is long s && seedPlusIndex ? s + j : seed,
                Tokens = tokens[j],
                TokensEstimated = dialect != ServerDialect.LlamaCpp || j > 0,
            });
        }

        return (result, inTokens, tokens.Sum());
    }

    private byte[] Serialize(ChatRequest r)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", _options.Model);
            w.WriteStartArray("messages");
            foreach ((string role, string content) in r.Messages)
            {
                w.WriteStartObject();
                w.WriteString("role", role);
                w.WriteString("content", content);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("n", r.N);
            if (r.Temperature is double t)
            {
                w.WriteNumber("temperature", Shortest(t));
            }

            if (r.TopP is double p)
            {
                w.WriteNumber("top_p", Shortest(p));
            }

            if (r.TopK is int k)
            {
                w.WriteNumber("top_k", k);
            }

            if (r.Seed is long seed)
            {
                w.WriteNumber("seed", seed);
            }

            if (r.MaxTokens is int max)
            {
                w.WriteNumber("max_tokens", max);
            }

            if (r.Stop is { Count: > 0 } stop)
            {
                w.WriteStartArray("stop");
                foreach (string s in stop)
                {
                    w.WriteStringValue(s);
                }

                w.WriteEndArray();
            }

            if (r.ChatTemplateKwargs is { Count: > 0 } kwargs)
            {
                w.WritePropertyName("chat_template_kwargs");
                JsonSerializer.Serialize(w, kwargs);
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>A value that came from a <c>float</c> (Microsoft.Extensions.AI's options are floats) as the float's
    /// shortest decimal form: 0.6f is sent as <c>0.6</c>, not <c>0.6000000238418579</c>.</summary>
    internal static double Shortest(double value) =>
        (double)(float)value == value && float.IsFinite((float)value)
            ? double.Parse(((float)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)
            : value;

    private LlmException Fail(LlmFailure kind, int? status, string body, Exception? inner = null, string path = "v1/chat/completions") =>
        new(kind, new Uri(_options.BaseUrl, path), _options.Model, status, body, inner);

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }

    /// <summary>A small JSON object written field by field (reflection-based serialization is off in the native AOT
    /// build); the same bytes the serializer wrote for the dictionary it replaces.</summary>
    private static byte[] JsonBody(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
