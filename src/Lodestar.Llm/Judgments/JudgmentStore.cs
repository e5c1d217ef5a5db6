using Microsoft.Data.Sqlite;

namespace Lodestar.Llm.Judgments;

/// <summary>
/// The crash-proof store of every sample (SQLite, WAL): each sample is committed as it arrives, so a kill -9 loses at
/// most the requests in flight, and a rerun asks the model only for the samples that are missing.
/// </summary>
/// <remarks>
/// WAL with synchronous=NORMAL: a committed sample survives a process crash (the write-ahead log is in the OS); a
/// power cut may lose the last commits, never corrupt the file. One connection, writes serialized by a lock.
/// </remarks>
public sealed partial class JudgmentStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    /// <summary>Opens or creates the store at <paramref name="path"/>.</summary>
    /// <exception cref="Errors.InputException">The path is a folder, its folder does not exist, or the file is not
    /// a SQLite database.</exception>
    public JudgmentStore(string path)
    {
        Path = path;
        _connection = Open(path, Schema);
        CreateCallTable();
    }

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS samples (
          key TEXT NOT NULL, sample_index INTEGER NOT NULL, topic TEXT NOT NULL, doc TEXT NOT NULL,
          model TEXT NOT NULL, endpoint TEXT NOT NULL, prompt_sha256 TEXT NOT NULL, parameters TEXT NOT NULL,
          seed INTEGER NOT NULL, raw TEXT NOT NULL, score INTEGER, outcome TEXT NOT NULL, truncated INTEGER NOT NULL,
          prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, latency_ms REAL NOT NULL,
          created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          PRIMARY KEY (key, sample_index));
        CREATE TABLE IF NOT EXISTS failures (
          key TEXT NOT NULL, topic TEXT NOT NULL, doc TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL,
          created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
        """;

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Adds samples in one transaction; a sample already stored (same key and index) is left as it was.
    /// With <paramref name="release"/>, this store's claim on that key is given up in the same transaction (one
    /// commit instead of two per request).</summary>
    /// <returns>The samples inserted (fewer than given when some were already stored).</returns>
    public int Add(IEnumerable<Judgment> judgments, string? release = null)
    {
        lock (_gate)
        {
            using SqliteTransaction tx = _connection.BeginTransaction();
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT OR IGNORE INTO samples (key, sample_index, topic, doc, model, endpoint, prompt_sha256, parameters, seed,
                  raw, score, outcome, truncated, prompt_tokens, completion_tokens, latency_ms)
                VALUES ($key, $i, $topic, $doc, $model, $endpoint, $prompt, $params, $seed, $raw, $score, $outcome, $truncated, $in, $out, $ms)
                """;
            int inserted = 0;
            foreach (Judgment j in judgments)
            {
                cmd.Parameters.Clear();
                cmd.Parameters.AddWithValue("$key", j.Key);
                cmd.Parameters.AddWithValue("$i", j.SampleIndex);
                cmd.Parameters.AddWithValue("$topic", j.Topic);
                cmd.Parameters.AddWithValue("$doc", j.Doc);
                cmd.Parameters.AddWithValue("$model", j.Model);
                cmd.Parameters.AddWithValue("$endpoint", j.Endpoint);
                cmd.Parameters.AddWithValue("$prompt", j.PromptSha256);
                cmd.Parameters.AddWithValue("$params", j.Parameters);
                cmd.Parameters.AddWithValue("$seed", j.Seed);
                cmd.Parameters.AddWithValue("$raw", j.Raw);
                cmd.Parameters.AddWithValue("$score", (object?)j.Score ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$outcome", j.Outcome);
                cmd.Parameters.AddWithValue("$truncated", j.Truncated ? 1 : 0);
                cmd.Parameters.AddWithValue("$in", j.PromptTokens);
                cmd.Parameters.AddWithValue("$out", j.CompletionTokens);
                cmd.Parameters.AddWithValue("$ms", j.LatencyMs);
                inserted += cmd.ExecuteNonQuery();
            }

            if (release is not null)
            {
                EnsureClaims();
                using SqliteCommand free = _connection.CreateCommand();
                free.Transaction = tx;
                free.CommandText = "DELETE FROM claims WHERE key = $key AND owner = $owner";
                free.Parameters.AddWithValue("$key", release);
                free.Parameters.AddWithValue("$owner", _owner);
                free.ExecuteNonQuery();
            }

            tx.Commit();
            return inserted;
        }
    }

    /// <summary>Records a request that failed for good (after its retries).</summary>
    public void AddFailure(string key, string topic, string doc, string kind, string message)
    {
        lock (_gate)
        {
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = "INSERT INTO failures (key, topic, doc, kind, message) VALUES ($key, $topic, $doc, $kind, $message)";
            cmd.Parameters.AddWithValue("$key", key);
            cmd.Parameters.AddWithValue("$topic", topic);
            cmd.Parameters.AddWithValue("$doc", doc);
            cmd.Parameters.AddWithValue("$kind", kind);
            cmd.Parameters.AddWithValue("$message", message);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>The stored samples of one key, by index.</summary>
    public List<Judgment> Get(string key)
    {
        lock (_gate)
        {
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT * FROM samples WHERE key = $key ORDER BY sample_index";
            cmd.Parameters.AddWithValue("$key", key);
            return Read(cmd);
        }
    }

    /// <summary>Every stored sample, in insertion order.</summary>
    public List<Judgment> All()
    {
        lock (_gate)
        {
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT * FROM samples ORDER BY rowid";
            return Read(cmd);
        }
    }

    /// <summary>(samples, unparseable, clamped, failures, tokens in, tokens out) over the whole store.</summary>
    public (long Samples, long Unparseable, long Clamped, long Failures, long TokensIn, long TokensOut) Stats()
    {
        lock (_gate)
        {
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = """
                SELECT COUNT(*), COALESCE(SUM(outcome = 'Unparseable'), 0), COALESCE(SUM(outcome = 'Clamped'), 0),
                       (SELECT COUNT(*) FROM failures), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0)
                FROM samples
                """;
            using SqliteDataReader r = cmd.ExecuteReader();
            r.Read();
            return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));
        }
    }

    private static List<Judgment> Read(SqliteCommand cmd)
    {
        var list = new List<Judgment>();
        using SqliteDataReader r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new Judgment(
                r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.GetString(7), r.GetInt64(8), r.GetString(9), r.IsDBNull(10) ? null : r.GetInt32(10), r.GetString(11),
                r.GetInt64(12) != 0, r.GetInt64(13), r.GetInt64(14), r.GetDouble(15)));
        }

        return list;
    }

    private static SqliteConnection Open(string path, string schema)
    {
        string? folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (Directory.Exists(path))
        {
            throw new Errors.InputException(new Errors.SourcePosition(path, 0, 0), "expected a judgment store (a SQLite file), found a folder");
        }

        if (folder is not null && !Directory.Exists(folder))
        {
            throw new Errors.InputException(new Errors.SourcePosition(path, 0, 0), $"expected an existing folder for the judgment store, found no folder {folder}");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 60 }.ToString());
        try
        {
            connection.Open();
            using SqliteCommand cmd = connection.CreateCommand();
            // busy_timeout: other processes on the same store hold the write lock for a moment at a time.
            cmd.CommandText = "PRAGMA busy_timeout=60000; SELECT COUNT(*) FROM sqlite_master; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
            cmd.ExecuteNonQuery();
            cmd.CommandText = schema;
            cmd.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 or 14 or 11)
        {
            connection.Dispose();
            throw new Errors.InputException(new Errors.SourcePosition(path, 0, 0), e.SqliteErrorCode == 14
                ? "expected a judgment store (a SQLite file), found a path that cannot be opened"
                : "expected a judgment store (a SQLite file), found a file that is not a SQLite database", e);
        }
    }

    private void Execute(string sql)
    {
        using SqliteCommand cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ReleaseAll();
        _connection.Dispose();
    }
}
