namespace Lodestar.Index;

/// <summary>
/// The build's worker threads. Each takes the oldest open batch with unclaimed chunks and helps it
/// (<see cref="BuildBatch.Help"/>); with none, it sleeps until the writer opens another.
/// </summary>
internal sealed class BuildWorkers : IDisposable
{
    private readonly List<BuildBatch> _open = [];
    private readonly Thread[] _threads;
    private readonly LineAnalyzer _analyzer;
    private bool _stopped;

    public BuildWorkers(int count, LineAnalyzer analyzer)
    {
        _analyzer = analyzer;
        _threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"lodestar-index-{i + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>Offers a batch to the workers.</summary>
    public void Open(BuildBatch batch)
    {
        lock (_open)
        {
            _open.Add(batch);
            Monitor.PulseAll(_open);
        }
    }

    /// <summary>Withdraws a batch whose chunks are all done.</summary>
    public void Close(BuildBatch batch)
    {
        lock (_open)
        {
            _open.Remove(batch);
        }
    }

    private void Work()
    {
        while (Next() is BuildBatch batch)
        {
            batch.Help(_analyzer);
        }
    }

    private BuildBatch? Next()
    {
        lock (_open)
        {
            while (!_stopped)
            {
                foreach (BuildBatch batch in _open)
                {
                    if (batch.HasWork)
                    {
                        return batch;
                    }
                }

                Monitor.Wait(_open);
            }

            return null;
        }
    }

    /// <summary>Stops the workers once they finish their current chunk, and waits for them.</summary>
    public void Dispose()
    {
        lock (_open)
        {
            _stopped = true;
            Monitor.PulseAll(_open);
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }
}
