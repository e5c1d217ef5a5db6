using Microsoft.Data.Sqlite;

namespace Lodestar.Llm.Judgments;

/// <summary>
/// Claims on keys, so that several processes can share one store economically: before asking the model for a key's
/// missing samples a process claims the key; another process that finds it claimed works on other keys first and
/// then waits, and adopts the samples once they are stored. A claim is a lease: its holder renews it while alive
/// (every third of <see cref="Lease"/>), so the claims of a killed process expire and are taken over.
/// </summary>
/// <remarks>
/// The table <c>claims (key, owner, expires)</c> is created on first use. Times are Unix seconds of this machine's
/// clock (SQLite's WAL needs every process on one machine anyway).
/// </remarks>
public sealed partial class JudgmentStore
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private bool _claimsReady;
    private Timer? _heartbeat;
    private int _takenOver;

    /// <summary>How long a claim lasts without renewal (default 30 s); set before the first claim.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Who holds this store's claims: machine, process id and a random part.</summary>
    public string Owner => _owner;

    /// <summary>Claims of other owners that had expired and were taken over by this store (each may repeat a
    /// request the expired owner had in flight).</summary>
    public int ClaimsTakenOver => Volatile.Read(ref _takenOver);

    /// <summary>Claims <paramref name="key"/> for this store until released, when it is free, expired or already
    /// this store's.</summary>
    /// <returns>Whether this store now holds the claim.</returns>
    public bool TryClaim(string key)
    {
        lock (_gate)
        {
            EnsureClaims();
            double now = Now();
            using SqliteTransaction tx = _connection.BeginTransaction(); // IMMEDIATE: read and write as one step
            using SqliteCommand read = _connection.CreateCommand();
            read.Transaction = tx;
            read.CommandText = "SELECT owner, expires FROM claims WHERE key = $key";
            read.Parameters.AddWithValue("$key", key);
            string? holder = null;
            double expires = 0;
            using (SqliteDataReader r = read.ExecuteReader())
            {
                if (r.Read())
                {
                    (holder, expires) = (r.GetString(0), r.GetDouble(1));
                }
            }

            if (holder is not null && holder != _owner && expires >= now)
            {
                return false;
            }

            using SqliteCommand write = _connection.CreateCommand();
            write.Transaction = tx;
            write.CommandText = "INSERT OR REPLACE INTO claims (key, owner, expires) VALUES ($key, $owner, $expires)";
            write.Parameters.AddWithValue("$key", key);
            write.Parameters.AddWithValue("$owner", _owner);
            write.Parameters.AddWithValue("$expires", now + Lease.TotalSeconds);
            write.ExecuteNonQuery();
            tx.Commit();
            if (holder is not null && holder != _owner)
            {
                Interlocked.Increment(ref _takenOver);
            }

            _heartbeat ??= new Timer(_ => Renew(), null, Lease / 3, Lease / 3);
            return true;
        }
    }

    /// <summary>Gives up this store's claim on <paramref name="key"/>, if it holds it.</summary>
    public void Release(string key)
    {
        lock (_gate)
        {
            EnsureClaims();
            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = "DELETE FROM claims WHERE key = $key AND owner = $owner";
            cmd.Parameters.AddWithValue("$key", key);
            cmd.Parameters.AddWithValue("$owner", _owner);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Extends every claim this store holds by <see cref="Lease"/> (the heartbeat).</summary>
    private void Renew()
    {
        lock (_gate)
        {
            if (_heartbeat is null)
            {
                return; // released on dispose
            }

            try
            {
                using SqliteCommand cmd = _connection.CreateCommand();
                cmd.CommandText = "UPDATE claims SET expires = $expires WHERE owner = $owner";
                cmd.Parameters.AddWithValue("$expires", Now() + Lease.TotalSeconds);
                cmd.Parameters.AddWithValue("$owner", _owner);
                cmd.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // A busy store past its timeout: the next beat tries again; at worst a claim expires and another
                // process repeats this one's request, which the store then ignores.
            }
        }
    }

    /// <summary>Stops the heartbeat and drops this store's remaining claims (called by Dispose).</summary>
    private void ReleaseAll()
    {
        lock (_gate)
        {
            _heartbeat?.Dispose();
            _heartbeat = null;
            if (!_claimsReady || _connection.State != System.Data.ConnectionState.Open)
            {
                return;
            }

            using SqliteCommand cmd = _connection.CreateCommand();
            cmd.CommandText = "DELETE FROM claims WHERE owner = $owner";
            cmd.Parameters.AddWithValue("$owner", _owner);
            cmd.ExecuteNonQuery();
        }
    }

    private void EnsureClaims()
    {
        if (!_claimsReady)
        {
            Execute("CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, owner TEXT NOT NULL, expires REAL NOT NULL)");
            _claimsReady = true;
        }
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
