namespace Lodestar.Rerank.RetroStar;

/// <summary>
/// A rerank stopped because more requests failed for good than <see cref="RerankOptions.MaxFailures"/> allows: the
/// server is down or refuses the work. Every sample already answered is in the store, so a rerun resumes.
/// </summary>
public sealed class RerankAbortedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failures">Requests that failed for good.</param>
    /// <param name="bound">The bound they passed.</param>
    /// <param name="firstError">The first failure's message (endpoint, model, status and body's start).</param>
    public RerankAbortedException(int failures, int bound, string firstError)
        : base($"stopped after {failures} failed requests (more than --max-failures {bound}); the first: {firstError}")
    {
        Failures = failures;
        FirstError = firstError;
    }

    /// <summary>Requests that failed for good.</summary>
    public int Failures { get; }

    /// <summary>The first failure's message.</summary>
    public string FirstError { get; }
}
