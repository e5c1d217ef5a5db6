namespace Lodestar.Server.Api;

/// <summary>A request the service refuses: answered as a ProblemDetails with this status, title and detail.</summary>
/// <param name="status">The HTTP status (400, 404, 413, 422...).</param>
/// <param name="title">A short, fixed title.</param>
/// <param name="detail">What was expected and what was found, naming the limit where one was passed.</param>
public sealed class ApiProblem(int status, string title, string detail) : Exception(detail)
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>The title.</summary>
    public string Title { get; } = title;

    /// <summary>422: a field's value is out of its allowed range.</summary>
    public static ApiProblem Invalid(string detail) => new(422, "Invalid request", detail);

    /// <summary>422: a limit of the service was passed.</summary>
    public static ApiProblem Limit(string limit, long max, long found) =>
        new(422, "Limit exceeded", $"{limit}: at most {max:N0}, found {found:N0}");

    /// <summary>404: an unknown index or document.</summary>
    public static ApiProblem NotFound(string detail) => new(404, "Not found", detail);
}
