namespace Lodestar.Model;

/// <summary>One ranked document of a <see cref="Run"/>: its external id and its score.</summary>
public readonly record struct Hit(string DocId, double Score);
