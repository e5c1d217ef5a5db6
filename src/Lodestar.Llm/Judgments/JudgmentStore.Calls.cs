using Microsoft.Data.Sqlite;

namespace Lodestar.Llm.Judgments;

/// <summary>The generic LLM-call table: every answer of a call that is not a Retro* pair score.</summary>
public sealed partial class JudgmentStore
{
    private void CreateCallTable() => Execute("""
        CREATE TABLE IF NOT EXISTS calls (
          key TEXT NOT NULL, sample_index INTEGER NOT NULL, purpose TEXT NOT NULL, model TEXT NOT NULL,
          endpoint TEXT NOT NULL, parameters TEXT NOT NULL, seed INTEGER NOT NULL, prompt_sha256 TEXT NOT NULL,
          text TEXT NOT NULL, finish_reason TEXT, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
          tokens_estimated INTEGER NOT NULL, latency_ms REAL NOT NULL,
          created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          PRIMARY KEY (key, sample_index));
        CREATE TABLE IF NOT EXISTS prompts (
          prompt_sha256 TEXT PRIMARY KEY, messages TEXT NOT NULL);
        """);

    /// <summary>
    /// Adds answers and the prompt they answer in one transaction; an answer already stored (same key and index) is
    /// left as it was, so the store, not the caller, decides which answer a rerun sees.
    /// </summary>
    /// <param name="calls">The answers.</param>
    /// <param name="promptSha256">The prompt's hash (the answers' <see cref="LlmCall.PromptSha256"/>).</param>
    /// <param name="messages">The prompt's messages as JSON, stored once per hash.</param>
    /// <returns>The answers inserted (fewer than given when some were already stored).</returns>
    public int AddCalls(IReadOnlyList<LlmCall> calls, string promptSha256, string messages)
    {
        lock (_gate)
        {
            using SqliteTransaction tx = _connection.BeginTransaction();
            using (SqliteCommand prompt = _connection.CreateCommand())
            {
                prompt.Transaction = tx;
                prompt.CommandText = "INSERT OR IGNORE INTO prompts (prompt_sha256, messages) VALUES ($sha, $messages)";
                prompt.Parameters.AddWithValue("$sha", promptSha256);
                prompt.Parameters.AddWithValue("$messages", messages);
                prompt.ExecuteNonQuery();
            }

            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT OR IGNORE INTO calls (key, sample_index, purpose, model, endpoint, parameters, seed, prompt_sha256, text,
                  finish_reason, prompt_tokens, completion_tokens, tokens_estimated, latency_ms)
                VALUES ($key, $i, $purpose, $model, $endpoint, $params, $seed, $prompt, $text, $finish, $in, $out, $est, $ms)
                """;
            int inserted = 0;
            foreach (LlmCall c in calls)
            {
                cmd.Parameters.Clear();
                cmd.Parameters.AddWithValue("$key", c.Key);
                cmd.Parameters.AddWithValue("$i", c.SampleIndex);
                cmd.Parameters.AddWithValue("$purpose", c.Purpose);
                cmd.Parameters.AddWithValue("$model", c.Model);
                cmd.Parameters.AddWithValue("$endpoint", c.Endpoint);
                cmd.Parameters.AddWithValue("$params", c.Parameters);
                cmd.Parameters.AddWithValue("$seed", c.Seed);
                cmd.Parameters.AddWithValue("$prompt", c.PromptSha256);
                cmd.Parameters.AddWithValue("$text", c.Text);
                cmd.Parameters.AddWithValue("$finish", (object?)c.FinishReason ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$in", c.PromptTokens);
                cmd.Parameters.AddWithValue("$out", c.CompletionTokens);
                cmd.Parameters.AddWithValue("$est", c.TokensEstimated ? 1 : 0);
                cmd.Parameters.AddWithValue("$ms", c.LatencyMs);
                inserted += cmd.ExecuteNonQuery();
            }

            tx.Commit();
            return inserted;
        }
    }

    /// <summary>The stored answers of one key, by index.</summary>
    public List<LlmCall> GetCalls(string key)
    {
        lock (_gate)
        {
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT key, sample_index, purpose, model, endpoint, parameters, seed, prompt_sha256, text, finish_reason,
                  prompt_tokens, completion_tokens, tokens_estimated, latency_ms
                FROM calls WHERE key = $key ORDER BY sample_index
                """;
            cmd.Parameters.AddWithValue("$key", key);
            var list = new List<LlmCall>();
            using SqliteDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add(new LlmCall(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                    r.GetInt64(6), r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetInt64(10), r.GetInt64(11),
                    r.GetInt64(12) != 0, r.GetDouble(13)));
            }

            return list;
        }
    }

    /// <summary>The messages (JSON) of a stored prompt, or null when no answer to it was stored.</summary>
    public string? GetPrompt(string promptSha256)
    {
        lock (_gate)
        {
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT messages FROM prompts WHERE prompt_sha256 = $sha";
            cmd.Parameters.AddWithValue("$sha", promptSha256);
            return cmd.ExecuteScalar() as string;
        }
    }

    /// <summary>Answers, requests' prompt tokens and answers' completion tokens stored per purpose.</summary>
    public IReadOnlyList<(string Purpose, long Answers, long TokensIn, long TokensOut)> CallStats()
    {
        lock (_gate)
        {
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT purpose, COUNT(*), COALESCE(SUM(CASE WHEN sample_index = 0 THEN prompt_tokens ELSE 0 END), 0),
                       COALESCE(SUM(completion_tokens), 0)
                FROM calls GROUP BY purpose ORDER BY purpose
                """;
            var list = new List<(string, long, long, long)>();
            using SqliteDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                list.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)));
            }

            return list;
        }
    }
}
